import { afterEach, describe, expect, it } from 'vitest';
import { costOf, type TurnResult } from '../../../src/engines/session.js';
import { appendTurnCost, costEntryOf, formatUsageLine, recordTurnCost } from '../../../src/runtime/cost/index.js';
import { fakeClock, openIn, seedGoal, tempRepo, type TempRepo } from '../store/helpers.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const K26 = { cached_input_per_mtok: 0.16, input_per_mtok: 0.95, output_per_mtok: 4 };

function turn(usage: TurnResult['usage'], pricing = K26): TurnResult {
  return { stopReason: 'end_turn', usage, costUsd: costOf(usage, pricing) };
}

describe('costEntryOf', () => {
  it('counts every input token in tokensIn, cache reads in tokensCached, and keeps the accuracy', () => {
    const entry = costEntryOf({
      goalId: 'g1',
      taskId: 't1',
      engine: 'builtin',
      model: 'kimi-k2.6',
      turn: turn({ input: 1000, cacheRead: 4000, cacheWrite: 10, output: 500, exact: true }),
    });
    expect(entry).toMatchObject({ goalId: 'g1', taskId: 't1', engine: 'builtin', model: 'kimi-k2.6', tokensIn: 5010, tokensOut: 500, tokensCached: 4000, accuracy: 'exact' });
    expect(entry.usd).toBeCloseTo((1010 * 0.95 + 4000 * 0.16 + 500 * 4) / 1e6, 12);
  });

  it('records estimates as estimated, an unknown model as "unknown", and never a negative or NaN cost', () => {
    const entry = costEntryOf({ goalId: 'g', engine: 'kimi', model: undefined, turn: { usage: { input: 3, output: 2, cacheRead: 0, cacheWrite: 0, exact: false }, costUsd: Number.NaN } });
    expect(entry).toMatchObject({ model: 'unknown', accuracy: 'estimated', usd: 0 });
    expect(entry.taskId).toBeUndefined();
    expect(costEntryOf({ goalId: 'g', engine: 'e', model: 'm', turn: turn({ input: 1, output: 1, cacheRead: 0, cacheWrite: 0, exact: true }), exact: false }).accuracy).toBe('estimated');
  });
});

describe('the ledger in a real SQLite store', () => {
  it('appends one row per turn and the goal total adds them up', async () => {
    repo = tempRepo();
    const clock = fakeClock();
    const store = await openIn(repo, { now: clock.now });
    await seedGoal(store, 'g1');
    const first = await recordTurnCost(store, {
      goalId: 'g1',
      taskId: 't1',
      engine: 'builtin',
      model: 'kimi-k2.6',
      turn: turn({ input: 1_000_000, cacheRead: 0, cacheWrite: 0, output: 100_000, exact: true }),
    });
    expect(first).toMatchObject({ goalId: 'g1', taskId: 't1', tokensIn: 1_000_000, tokensOut: 100_000, accuracy: 'exact', ts: '2025-03-01T12:00:00.000Z' });
    expect(first.usd).toBeCloseTo(0.95 + 0.4);
    // Inside a transaction the caller holds, together with an event.
    await store.transaction(async (tx) => {
      await appendTurnCost(tx, { goalId: 'g1', engine: 'kimi', model: undefined, turn: turn({ input: 200, cacheRead: 800, cacheWrite: 0, output: 50, exact: false }) });
      await tx.appendEvent('g1', 'gate.transitioned', { gate: 'g', from: 'pending', to: 'passed' });
    });
    const total = await store.costTotal('g1');
    expect(total).toMatchObject({ goalId: 'g1', turns: 2, tokensIn: 1_001_000, tokensOut: 100_050, tokensCached: 800, estimated: true });
    expect(total.usd).toBeCloseTo(first.usd + (200 * 0.95 + 800 * 0.16 + 50 * 4) / 1e6, 10);
    await store.close();
  });

  it('rolls the row back with the transaction and refuses a goal that does not exist', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    const input = { goalId: 'g1', engine: 'e', model: 'm', turn: turn({ input: 1, output: 1, cacheRead: 0, cacheWrite: 0, exact: true }) };
    await expect(
      store.transaction(async (tx) => {
        await appendTurnCost(tx, input);
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect((await store.costTotal('g1')).turns).toBe(0);
    await expect(recordTurnCost(store, { ...input, goalId: 'no-such-goal' })).rejects.toThrow();
    expect((await store.costTotal('no-such-goal')).turns).toBe(0);
    await store.close();
  });
});

describe('formatUsageLine', () => {
  it('says tokens, exact or estimated, and USD', () => {
    const usage = { input: 1200, cacheRead: 800, cacheWrite: 0, output: 56, exact: false };
    expect(formatUsageLine({ engine: 'builtin', model: 'kimi-k2.6', usage, costUsd: 0.00123, priced: true })).toBe(
      'usage: 2,000 in (800 cached) + 56 out tokens, estimated; $0.0012 (builtin, kimi-k2.6)',
    );
    expect(formatUsageLine({ engine: 'kimi', model: undefined, usage: { ...usage, cacheRead: 0, exact: true }, costUsd: 0, priced: false })).toBe(
      'usage: 1,200 in + 56 out tokens, exact; cost unknown (no pricing: set [engines.kimi].pricing) (kimi)',
    );
  });
});
