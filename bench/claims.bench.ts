// Claim figures, measured together in one run:
// - claims.per_s: tasks leased per second by 4 real Node processes on one store, each taking queued
//   tasks with the real SqliteStore's acquireLease (one transaction per attempt), until none is left;
// - claims.raw_per_s: one process claiming the same number of tasks with the minimal better-sqlite3
//   equivalent (BEGIN IMMEDIATE; UPDATE the next queued task; INSERT its lease; COMMIT), same pragmas;
// - claims.ratio: claims.per_s / claims.raw_per_s (what the store and 4-way contention cost).
// Both sides commit with synchronous = FULL, so both are mostly fsync-bound.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../src/runtime/store/sqlite-store.js';
import { benchEnv, type Figure } from './figure.js';

const TASKS = 1000;
const PROCESSES = 4;
const GOAL = 'g-bench';
const WORKER = fileURLToPath(new URL('./claims-worker.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(WORKER), '..');

interface Measured {
  perS: number;
  rawPerS: number;
}

/** A fresh store with one goal and TASKS queued tasks t0…t{TASKS-1}. */
async function seeded(dir: string): Promise<{ dbFile: string; goalsDir: string }> {
  const dbFile = path.join(dir, 'omk.db');
  const goalsDir = path.join(dir, 'goals');
  const store = await openStore({ dbFile, goalsDir });
  await store.transaction(async (tx) => {
    await tx.createGoal({ id: GOAL, prompt: 'bench' });
    for (let i = 0; i < TASKS; i += 1) await tx.createTask({ goalId: GOAL, id: `t${i}`, title: `task ${i}` });
  });
  await store.close();
  return { dbFile, goalsDir };
}

async function storeClaimsPerSecond(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-bench-claims-'));
  const children: ChildProcess[] = [];
  try {
    const { dbFile, goalsDir } = await seeded(dir);
    const workers = Array.from({ length: PROCESSES }, (_, w) => {
      const offset = String(Math.floor((w * TASKS) / PROCESSES));
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbFile, goalsDir, GOAL, String(TASKS), offset, `w${w}`], {
        cwd: ROOT,
        env: benchEnv(),
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child);
      return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
    });
    const next = async (w: (typeof workers)[number]): Promise<string> => {
      const { value, done } = await w.lines.next();
      if (done) throw new Error(`claims worker ${w.child.pid} ended early`);
      return value;
    };
    // Start-up (tsx, opening the store) is not timed: every worker is ready before the clock starts.
    for (const w of workers) if ((await next(w)) !== 'ready') throw new Error('claims worker did not start');
    const start = performance.now();
    for (const w of workers) w.child.stdin.write('go\n');
    const results = (await Promise.all(workers.map(next))).map((l) => JSON.parse(l) as { claims: number });
    const seconds = (performance.now() - start) / 1000;
    const claimed = results.reduce((n, r) => n + r.claims, 0);
    if (claimed !== TASKS) throw new Error(`the workers claimed ${claimed} of ${TASKS} tasks`);
    return claimed / seconds;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawClaimsPerSecond(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-bench-claims-raw-'));
  try {
    const { dbFile } = await seeded(dir);
    const db = new Database(dbFile);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = FULL');
      const take = db.prepare<[string, string, string], { id: string; fence: number }>(
        "UPDATE tasks SET status = 'leased', attempts = attempts + 1, fence = fence + 1, updated_at = ? " +
          "WHERE goal_id = ? AND id = (SELECT id FROM tasks WHERE goal_id = ? AND status = 'queued' LIMIT 1) RETURNING id, fence",
      );
      const lease = db.prepare('INSERT INTO leases (goal_id, task_id, owner, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
      const claim = db.transaction((now: string, expires: string): boolean => {
        const row = take.get(now, GOAL, GOAL);
        if (!row) return false;
        lease.run(GOAL, row.id, 'raw', row.fence, now, expires);
        return true;
      });
      let claimed = 0;
      const start = performance.now();
      for (;;) {
        const now = new Date();
        if (!claim.immediate(now.toISOString(), new Date(now.getTime() + 600_000).toISOString())) break;
        claimed += 1;
      }
      const seconds = (performance.now() - start) / 1000;
      if (claimed !== TASKS) throw new Error(`the raw loop claimed ${claimed} of ${TASKS} tasks`);
      return claimed / seconds;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let measured: Promise<Measured> | undefined;
/** Both sides once per bench run, shared by the three figures so the ratio is of this run's numbers. */
function measure(): Promise<Measured> {
  measured ??= (async () => ({ perS: await storeClaimsPerSecond(), rawPerS: await rawClaimsPerSecond() }))();
  return measured;
}

const extra = { tasks: TASKS, processes: PROCESSES };

export const figures: Figure[] = [
  { name: 'claims.per_s', run: async () => ({ value: (await measure()).perS, unit: 'claims/s', ...extra }) },
  { name: 'claims.raw_per_s', run: async () => ({ value: (await measure()).rawPerS, unit: 'claims/s', tasks: TASKS, processes: 1 }) },
  {
    name: 'claims.ratio',
    run: async () => {
      const m = await measure();
      return { value: m.perS / m.rawPerS, unit: 'x', ...extra };
    },
  },
];
