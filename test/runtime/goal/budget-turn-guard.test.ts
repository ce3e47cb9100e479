import { afterEach, describe, expect, it } from 'vitest';
import { foldGoalLog } from '../../../src/core/goal/controller/goal-log.js';
import { GoalBudget } from '../../../src/runtime/goal/budget.js';
import type { AgentTurnOutcome, AgentTurnRequest, EnginePort } from '../../../src/runtime/goal/engine-port.js';
import { runBudgetedTurn } from '../../../src/runtime/goal/turn-guard.js';
import { budgetHarness, FLOOR, ofType, type BudgetHarness } from './budget-harness.js';

let h: BudgetHarness;
afterEach(async () => {
  await h?.close();
});

/**
 * An engine whose turn makes one model call per entry of `calls` (cumulative input tokens reported
 * after each), stopping at the first call it finds its signal aborted. `beforeCall(n)` runs before call
 * n (1-based) and may wait for something. `made` counts the calls it made.
 */
function scriptedEngine(calls: number[], beforeCall: (n: number, req: AgentTurnRequest) => Promise<void> = () => Promise.resolve()): EnginePort & { made: number } {
  const engine = {
    name: 'fake',
    made: 0,
    async runTurn(req: AgentTurnRequest): Promise<AgentTurnOutcome> {
      let used = 0;
      for (const [i, cumulative] of calls.entries()) {
        await beforeCall(i + 1, req);
        if (req.signal.aborted) break;
        engine.made += 1;
        used = cumulative;
        req.onUsage?.({ input: used, output: 0, cacheRead: 0, cacheWrite: 0, exact: true, costUsd: 0 });
      }
      const usage = { input: used, output: 0, cacheRead: 0, cacheWrite: 0, exact: true };
      return { started: true, stopReason: req.signal.aborted ? 'cancelled' : 'end_turn', text: '', usage, costUsd: 0, model: 'm' };
    },
  };
  return engine;
}

const request = (): AgentTurnRequest => ({
  role: 'executor',
  cwd: '/',
  prompt: 'p',
  mode: 'auto',
  approve: () => Promise.resolve({ allow: true }),
  transcriptFile: '/dev/null',
  signal: new AbortController().signal,
});

const abortOf = (req: AgentTurnRequest): Promise<void> =>
  new Promise((resolve) => (req.signal.aborted ? resolve() : req.signal.addEventListener('abort', () => resolve(), { once: true })));

describe('the budget between the model calls of a turn', () => {
  it('a turn that outgrows its reservation claims more room (budget.reserved top-ups) and finishes when the goal has it', async () => {
    h = await budgetHarness({ tokens: 200_000 });
    const engine = scriptedEngine([30_000, 70_000, 90_000]);
    const scope = h.scope({ engine });
    const budget = await GoalBudget.open(scope);
    const ticket = await budget.admit('executor', 't1');
    const { outcome, stop } = await runBudgetedTurn({ ...scope, budget }, ticket, { source: 'task:t1#1', taskId: 't1' }, request());
    expect(stop).toBeUndefined();
    expect(outcome.started && outcome.stopReason).toBe('end_turn');
    expect(engine.made).toBe(3);
    const events = await h.events();
    const held = ofType(events, 'budget.reserved').filter((e) => (e.payload as { reservation_id: string }).reservation_id === ticket!.id);
    // The estimate, then top-ups adding up to what the turn used beyond it.
    expect(held.map((e) => (e.payload as { tokens: number }).tokens).reduce((a, b) => a + b, 0)).toBe(90_000);
    expect(ofType(events, 'budget.exhausted')).toEqual([]);
    const b = foldGoalLog(events).budget;
    expect(b.reservations.size).toBe(0);
    expect(b.tokensIn).toBe(90_000);
  });

  it("a top-up the goal has no room for (another worker reserved it meanwhile) stops the turn; the stop is recorded", async () => {
    h = await budgetHarness({ tokens: 120_000 });
    const otherBudget = await GoalBudget.open(h.scope());
    const engine = scriptedEngine([80_000, 100_000], async (n, req) => {
      // Another worker is admitted once this turn runs: the turn's view of the budget does not have it yet.
      if (n === 1) await otherBudget.admit('executor', 't2');
      if (n === 2) await abortOf(req);
    });
    const scope = h.scope({ engine });
    const budget = await GoalBudget.open(scope);
    const ticket = await budget.admit('executor', 't1');
    const { outcome, stop } = await runBudgetedTurn({ ...scope, budget }, ticket, { source: 'task:t1#1', taskId: 't1' }, request());
    expect(engine.made).toBe(1);
    expect(outcome.started && outcome.stopReason).toBe('cancelled');
    expect(stop?.detail).toBe('stopped mid-turn: tokens: 0 used + 100000 reserved + 30000 estimated = 130000, over the limit of 120000');
    const events = await h.events();
    expect(ofType(events, 'budget.exhausted').map((e) => e.payload)).toMatchObject([{ dimension: 'tokens', role: 'executor', detail: stop!.detail }]);
    // The other worker's reservation still holds; this turn's is settled.
    expect([...foldGoalLog(events).budget.reservations.values()].map((r) => r.taskId)).toEqual(['t2']);
  });

  it('the running time is checked between model calls too', async () => {
    let now = new Date('2025-01-01T00:00:00.000Z');
    h = await budgetHarness({ time_ms: 60_000, tokens: 1_000_000 });
    const engine = scriptedEngine([1_000, 2_000, 3_000], (n, req) => {
      // The first call takes two minutes.
      if (n === 2) now = new Date(now.getTime() + 120_000);
      return n === 3 ? abortOf(req) : Promise.resolve();
    });
    const scope = h.scope({ engine, now: () => now });
    const budget = await GoalBudget.open(scope);
    const ticket = await budget.admit('executor', 't1');
    const { stop } = await runBudgetedTurn({ ...scope, budget }, ticket, { source: 'task:t1#1', taskId: 't1' }, request());
    expect(engine.made).toBe(2);
    expect(stop).toMatchObject({ dimension: 'time', detail: 'stopped mid-turn: time: 2m used of the 1m limit' });
  });

  it("a task's own limit stops its turn, flagged with the task", async () => {
    h = await budgetHarness({ tokens: 1_000_000 }, { tokens: FLOOR + 10_000, usd_micros: null });
    const engine = scriptedEngine([40_000, 60_000, 80_000], (n, req) => (n === 3 ? abortOf(req) : Promise.resolve()));
    const scope = h.scope({ engine });
    const budget = await GoalBudget.open(scope);
    const ticket = await budget.admit('executor', 't1');
    const { stop } = await runBudgetedTurn({ ...scope, budget }, ticket, { source: 'task:t1#1', taskId: 't1' }, request());
    expect(engine.made).toBe(2);
    expect(stop).toMatchObject({ dimension: 'tokens', taskId: 't1', detail: 'stopped mid-turn: task t1 tokens: 60000 used of the per-task limit of 60000' });
    expect(ofType(await h.events(), 'budget.exhausted').map((e) => e.payload)).toMatchObject([{ task_id: 't1' }]);
  });

  it('a stop that comes only after the agent finished (usage reported at the end, as ACP agents do) leaves the turn standing', async () => {
    h = await budgetHarness({ tokens: 100_000 });
    const scope = h.scope({
      engine: {
        name: 'acp-like',
        runTurn: (req) => {
          req.onUsage?.({ input: 150_000, output: 0, cacheRead: 0, cacheWrite: 0, exact: false });
          return Promise.resolve({ started: true, stopReason: 'end_turn', text: 'done', usage: { input: 150_000, output: 0, cacheRead: 0, cacheWrite: 0, exact: false }, costUsd: 0, model: 'm' });
        },
      },
    });
    const budget = await GoalBudget.open(scope);
    const ticket = await budget.admit('executor', 't1');
    const { stop } = await runBudgetedTurn({ ...scope, budget }, ticket, { source: 'task:t1#1', taskId: 't1' }, request());
    expect(stop).toBeUndefined();
    const events = await h.events();
    expect(ofType(events, 'budget.exhausted')).toEqual([]);
    // The overshoot is real and counted; the next spawn is refused.
    expect(foldGoalLog(events).budget.tokensIn).toBe(150_000);
    await expect(budget.admit('executor', 't2')).rejects.toThrow(/over the limit of 100000/);
  });
});
