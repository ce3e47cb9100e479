import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { foldGoalLog } from '../../../src/core/goal/controller/goal-log.js';
import { FOLD_VERSION } from '../../../src/core/goal/controller/log-snapshot.js';
import { SNAPSHOT_EVERY } from '../../../src/runtime/store/goal-log-cache.js';
import type { SqliteStore } from '../../../src/runtime/store/sqlite-store.js';
import { openIn, tempRepo, type TempRepo } from './helpers.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

async function goalWithEvents(store: SqliteStore, id: string, n: number): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.createGoal({ id, prompt: `goal ${id}` });
    await tx.appendEvent(id, 'goal.created', { goal_id: id, prompt: `goal ${id}` });
  });
  await appendDecisions(store, id, n - 1);
}

async function appendDecisions(store: SqliteStore, id: string, n: number, from = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.transaction((tx) => tx.appendEvent(id, 'cost.recorded', { source: `turn ${from + i}`, tokens_in: 10, tokens_out: 5, usd: 0.001 }));
  }
}

function snapshotRow(file: string, goalId: string): { seq: number; fold_version: number } | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT seq, fold_version FROM goal_snapshots WHERE goal_id = ?').get(goalId) as { seq: number; fold_version: number } | undefined;
  } finally {
    db.close();
  }
}

describe('the folded log a store keeps (snapshot + tail)', () => {
  it('equals a full fold of the events at every length, across snapshot boundaries', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await goalWithEvents(store, 'g1', 1);
    for (let total = 1; total <= SNAPSHOT_EVERY * 2 + 5; total += 7) {
      expect(await store.goalLog('g1')).toEqual(foldGoalLog(await store.readEvents('g1')));
      await appendDecisions(store, 'g1', 7, total);
    }
    await store.close();
    const row = snapshotRow(repo.dbFile, 'g1');
    expect(row?.fold_version).toBe(FOLD_VERSION);
    expect(row!.seq).toBeGreaterThanOrEqual(SNAPSHOT_EVERY * 2);
  });

  it('another process (a second connection) reads the snapshot and folds only what came after it', async () => {
    repo = tempRepo();
    const writer = await openIn(repo);
    await goalWithEvents(writer, 'g1', SNAPSHOT_EVERY + 3);
    const reader = await openIn(repo, { healOnOpen: false });
    expect(await reader.goalLog('g1')).toEqual(foldGoalLog(await reader.readEvents('g1')));
    await appendDecisions(writer, 'g1', 5, 1000);
    const log = await reader.goalLog('g1');
    expect(log.lastSeq).toBe(SNAPSHOT_EVERY + 8);
    expect(log.cost.turns).toBe(SNAPSHOT_EVERY + 7);
    await writer.close();
    await reader.close();
  });

  it('a snapshot of another fold version is ignored: the log is folded from the events', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await goalWithEvents(store, 'g1', SNAPSHOT_EVERY + 1);
    await store.close();
    const db = new Database(repo.dbFile);
    db.prepare("UPDATE goal_snapshots SET fold_version = fold_version + 1, log = '{\"v\":999,\"log\":{}}'").run();
    db.close();
    const again = await openIn(repo);
    expect(await again.goalLog('g1')).toEqual(foldGoalLog(await again.readEvents('g1')));
    await again.close();
  });

  it('inside a transaction it includes the appends so far, and a rollback leaves no trace in later reads', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await goalWithEvents(store, 'g1', 3);
    await expect(
      store.transaction(async (tx) => {
        await tx.appendEvent('g1', 'cost.recorded', { source: 'rolled back', tokens_in: 1000, tokens_out: 0, usd: 1 });
        expect((await tx.goalLog('g1')).cost.tokensIn).toBe(1020);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await store.transaction((tx) => tx.appendEvent('g1', 'cost.recorded', { source: 'kept', tokens_in: 1, tokens_out: 0, usd: 0 }));
    const log = await store.goalLog('g1');
    expect(log.cost.tokensIn).toBe(21);
    expect(log).toEqual(foldGoalLog(await store.readEvents('g1')));
    await store.close();
  });

  it('hands out copies: folding into one never changes what the store gives the next caller', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await goalWithEvents(store, 'g1', 2);
    const first = await store.goalLog('g1');
    first.cost.turns = 999;
    first.tasks.set('intruder', { id: 'intruder', result: undefined, commit: null, treeSha: null, attempts: [], started: 0, running: undefined, interrupted: 0 });
    const second = await store.goalLog('g1');
    expect(second.cost.turns).toBe(1);
    expect(second.tasks.has('intruder')).toBe(false);
    await store.close();
  });
});

describe('the event feed across goals', () => {
  it('reads every goal’s events in commit order after a position, and the head is the last position', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await goalWithEvents(store, 'a', 2);
    await goalWithEvents(store, 'b', 1);
    await appendDecisions(store, 'a', 1, 50);
    const all = await store.readFeed(0, 100);
    expect(all.map((e) => `${e.goal_id}:${e.seq}`)).toEqual(['a:1', 'a:2', 'b:1', 'a:3']);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => x - y));
    expect(await store.feedHead()).toBe(all.at(-1)!.position);
    const after = await store.readFeed(all[1]!.position, 100);
    expect(after.map((e) => `${e.goal_id}:${e.seq}`)).toEqual(['b:1', 'a:3']);
    expect(await store.readFeed(all.at(-1)!.position, 100)).toEqual([]);
    await store.close();
  });
});
