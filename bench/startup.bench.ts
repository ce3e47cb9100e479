import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, median, type Figure } from './figure.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'omk.js');
const ROUNDS = 21;

/** Wall time of one child process, in ms. */
function timeRun(args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env: benchEnv(), stdio: 'ignore' });
  if (r.error) throw r.error;
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median of per-round ratios, the two commands alternated so machine noise hits both alike. */
function startupRatio(args: string[]): { value: number; unit: string; omk_ms: number; node_ms: number } {
  const cwd = mkdtempSync(path.join(tmpdir(), 'omk-bench-startup-'));
  timeRun(['-e', '0'], cwd);
  timeRun([BIN, ...args], cwd);
  const ratios: number[] = [];
  const omkMs: number[] = [];
  const nodeMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const base = timeRun(['-e', '0'], cwd);
    const omk = timeRun([BIN, ...args], cwd);
    nodeMs.push(base);
    omkMs.push(omk);
    ratios.push(omk / base);
  }
  return { value: median(ratios), unit: 'ratio', omk_ms: median(omkMs), node_ms: median(nodeMs) };
}

export const figures: Figure[] = [
  { name: 'startup.version_ratio', run: () => Promise.resolve(startupRatio(['--version'])) },
  { name: 'startup.doctor_ratio', run: () => Promise.resolve(startupRatio(['doctor', '--json'])) },
];
