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
function startupRatio(args: string[], cwd = mkdtempSync(path.join(tmpdir(), 'omk-bench-startup-'))): { value: number; unit: string; omk_ms: number; node_ms: number } {
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
  {
    // `omk goal status --json` in a repository with one finished goal (built in-process first: 1,000 files,
    // one task, gate `true`; see bench/goal.bench.ts), against `node -e 0`, alternated.
    name: 'startup.goal_status_ratio',
    run: async () => {
      const { repoWithFinishedGoal } = await import('./goal.bench.js');
      const repo = await repoWithFinishedGoal();
      try {
        const probe = spawnSync(process.execPath, [BIN, 'goal', 'status', '--json'], { cwd: repo.root, env: benchEnv(), encoding: 'utf8' });
        if (probe.status !== 0) throw new Error(`omk goal status failed (${String(probe.status)}; is dist/ older than src/? npm run bench builds first): ${probe.stderr}`);
        const shown = (JSON.parse(probe.stdout) as { status: string }).status;
        return { ...startupRatio(['goal', 'status', '--json'], repo.root), goal_status: shown };
      } finally {
        repo.cleanup();
      }
    },
  },
];
