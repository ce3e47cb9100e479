import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ESCALATION_LOG_FILE } from '../../src/runtime/escalation-log.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/escalation/append-lines.ts', import.meta.url));
const LINES_PER_CHILD = 2000;
// Lines of ~4 KiB: large enough that a non-atomic append would visibly interleave.
const PAD_BYTES = 4000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-esc-conc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startChild(tag: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, tag, String(LINES_PER_CHILD), String(PAD_BYTES)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  proc.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('ready\n')) markReady();
  });
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    proc.on('close', (code) => {
      markReady(); // unblock the barrier if a child died before getting ready
      resolve({ code, stdout, stderr });
    });
  });
  return { proc, ready, exited };
}

it('two processes appending to one log never interleave within a line', async () => {
  const children = [startChild('a'), startChild('b')];
  // Barrier: both writers are set up before either publishes, so their appends overlap.
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.proc.stdin?.end('go\n');
  const results = await Promise.all(children.map((c) => c.exited));
  for (const r of results) {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('done 0');
  }

  const text = await readFile(path.join(dir, ESCALATION_LOG_FILE), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines).toHaveLength(2 * LINES_PER_CHILD);
  const next: Record<string, number> = { a: 0, b: 0 };
  for (const raw of lines) {
    const entry = JSON.parse(raw) as { kind: string; summary: string };
    expect(entry.kind).toBe('worker_started');
    const match = /^(a|b): x+ \((a|b)-(\d+)\)$/.exec(entry.summary);
    expect(match).not.toBeNull();
    const [, kind, tag, n] = match!;
    expect(kind).toBe(tag);
    // Each writer's own lines stay in publish order.
    expect(Number(n)).toBe(next[tag!]);
    next[tag!] = Number(n) + 1;
  }
  expect(next).toEqual({ a: LINES_PER_CHILD, b: LINES_PER_CHILD });
});
