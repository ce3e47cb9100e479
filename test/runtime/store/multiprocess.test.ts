import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyEventLog } from '../../../src/runtime/events/verify-log.js';
import { openIn, seedGoal, tempRepo, type TempRepo } from './helpers.js';

const WORKER = fileURLToPath(new URL('../../fixtures/store/worker.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(WORKER), '../../..');

let repo: TempRepo;
afterEach(() => repo?.cleanup());

interface Worker {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

function startWorker(args: string[]): Worker {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS; // ~50 ms per start on this machine
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.on('error', () => undefined);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

async function next(worker: Worker): Promise<string> {
  const { value, done } = await worker.lines.next();
  if (done) throw new Error(`worker ${worker.child.pid} ended early`);
  return value;
}

/** Starts all workers, waits until each has opened the store, then releases them together. */
async function race(argsList: string[][]): Promise<string[]> {
  const workers = argsList.map(startWorker);
  try {
    for (const w of workers) expect(await next(w)).toBe('ready');
    for (const w of workers) w.child.stdin!.write('go\n');
    const results = await Promise.all(workers.map(next));
    await Promise.all(
      workers.map(
        (w) => new Promise<void>((resolve) => (w.child.exitCode !== null ? resolve() : w.child.once('exit', () => resolve()))),
      ),
    );
    expect(workers.map((w) => w.child.exitCode)).toEqual(workers.map(() => 0));
    return results;
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  }
}

describe('several processes on one store', () => {
  it('4 processes appending to one goal give seq 1..N without gaps and a verifying chain', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    await store.close();
    const perWorker = 25;
    const names = ['a', 'b', 'c', 'd'];
    await race(names.map((n) => ['append', repo.dbFile, repo.goalsDir, 'g1', String(perWorker), n]));

    const after = await openIn(repo);
    const events = await after.readEvents('g1');
    const total = 1 + names.length * perWorker;
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const report = verifyEventLog({ file: after.eventsFile('g1'), goalId: 'g1', storeEvents: events });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, events: total, head: events.at(-1)!.hash });
    await after.close();
  });

  it('4 processes racing for one task: exactly one gets the lease', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    await store.transaction((tx) => tx.createTask({ goalId: 'g1', id: 't1', title: 'contested' }));
    await store.close();
    const results = (await race(['w1', 'w2', 'w3', 'w4'].map((n) => ['lease', repo.dbFile, repo.goalsDir, 'g1', 't1', n]))).map(
      (line) => JSON.parse(line) as { ok: boolean; lease?: { owner: string; token: number } },
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.lease!.token).toBe(1);

    const after = await openIn(repo);
    expect(await after.getTask({ goalId: 'g1', taskId: 't1' })).toMatchObject({ status: 'leased', attempts: 1, fence: 1 });
    expect((await after.getLease({ goalId: 'g1', taskId: 't1' }))?.owner).toBe(winners[0]!.lease!.owner);
    await after.close();
  });
});
