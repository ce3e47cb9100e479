import { describe, expect, it } from 'vitest';
import { buildEnvelope, genesisHash, type EventEnvelope } from '../../../src/core/events/envelope.js';
import { foldGoalLog } from '../../../src/core/goal/controller/goal-log.js';

/** A hash-chained log of `[type, payload]` pairs, as the store would hand it over. */
function log(...events: Array<[string, Record<string, unknown>]>): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prev = genesisHash('g');
  events.forEach(([type, payload], i) => {
    const e = buildEnvelope({ seq: i + 1, ts: `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, type, payload, prev });
    prev = e.hash;
    out.push(e);
  });
  return out;
}

const limits = { time_ms: null, tokens: 100_000, usd_micros: null };
const reserved = (id: string, task: string, owner: string, tokens = 50_000, role = 'executor'): [string, Record<string, unknown>] => [
  'budget.reserved',
  { reservation_id: id, task_id: task, role, tokens, usd_micros: 100_000, owner },
];
const started = (task: string, owner: string): [string, Record<string, unknown>] => [
  'task.started',
  { task_id: task, attempt: 1, round: 1, owner, token: 1, branch: 'b', worktree: '/w', start_sha: 's' },
];
const ids = (events: EventEnvelope[]): string[] => [...foldGoalLog(events).budget.reservations.keys()];

describe('budget facts folded from the goal log', () => {
  it('a reservation holds until released; a later budget.reserved for the same id adds to it', () => {
    const events = log(['budget.set', { limits, source: 'flags' }], reserved('a@2', 'a', 'w1'), reserved('a@2', 'a', 'w1', 7_000), reserved('b@4', 'b', 'w2'));
    const b = foldGoalLog(events).budget;
    expect(b.reservations.get('a@2')).toMatchObject({ taskId: 'a', owner: 'w1', tokens: 57_000, usdMicros: 200_000, ts: '2025-01-01T00:00:01.000Z' });
    expect(ids(events)).toEqual(['a@2', 'b@4']);
    expect(ids([...events, ...log(['budget.released', { reservation_id: 'a@2', task_id: 'a', reason: 'settled' }]).map((e, i) => ({ ...e, seq: 5 + i }))])).toEqual(['b@4']);
  });

  it('a dead worker never blocks the budget: its lease taken back, or its attempt interrupted or finished, ends its reservation only', () => {
    const base: Array<[string, Record<string, unknown>]> = [['budget.set', { limits, source: 'flags' }], reserved('a@2', 'a', 'w1'), started('a', 'w1'), reserved('b@4', 'b', 'w2')];
    expect(ids(log(...base))).toEqual(['a@2', 'b@4']);
    // Another holder's lease on the same task says nothing about w1's reservation.
    expect(ids(log(...base, ['task.lease_expired', { task_id: 'a', owner: 'w9', token: 1, expired_at: 'x' }]))).toEqual(['a@2', 'b@4']);
    expect(ids(log(...base, ['task.lease_expired', { task_id: 'a', owner: 'w1', token: 1, expired_at: 'x' }]))).toEqual(['b@4']);
    expect(ids(log(...base, ['task.attempt_interrupted', { task_id: 'a', attempt: 1, round: 1, reason: 'crash' }]))).toEqual(['b@4']);
    const finished = { task_id: 'a', attempt: 1, round: 1, outcome: 'passed', stop_reason: 'end_turn', commit: null, tree_sha: null, changed_files: [], rejected_files: [], gate_runs: [], feedback: '' };
    expect(ids(log(...base, ['task.attempt_finished', finished]))).toEqual(['b@4']);
    // A worker that reserved for the task after that attempt started keeps its reservation.
    expect(ids(log(...base, reserved('a@5', 'a', 'w3'), ['task.attempt_interrupted', { task_id: 'a', attempt: 1, round: 1, reason: 'crash' }]))).toEqual(['b@4', 'a@5']);
  });

  it('a controller starting ends planner reservations (the planner runs only inside the one controller)', () => {
    const events = log(['budget.set', { limits, source: 'flags' }], reserved('_planner@2', '_planner', 'c1', 50_000, 'planner'), reserved('b@3', 'b', 'w2'), [
      'goal.controller_started',
      { owner: 'c2', pid: 1, host: 'h', resumed: true },
    ]);
    expect(ids(events)).toEqual(['b@3']);
  });

  it('usage is counted per task (task_id, or the executor source of older logs); per-task limits come from budget.set and budget.extended', () => {
    const events = log(
      ['budget.set', { limits, source: 'flags', per_task: { tokens: 60_000, usd_micros: null } }],
      ['cost.recorded', { source: 'planner', tokens_in: 900, tokens_out: 100, usd: 0 }],
      ['cost.recorded', { source: 'task:a#1', tokens_in: 1_500, tokens_out: 500, usd: 0.25 }],
      ['cost.recorded', { source: 'task:a#2', tokens_in: 1_000, tokens_out: 0, usd: 0.1, task_id: 'a' }],
      ['budget.exhausted', { dimension: 'tokens', detail: 'task a tokens: …', role: 'executor', time_ms: 5, task_id: 'a' }],
    );
    const b = foldGoalLog(events).budget;
    expect(b.perTask).toEqual({ tokens: 60_000, usd_micros: null });
    expect(Object.fromEntries(b.byTask)).toEqual({ a: { tokens: 3_000, usdMicros: 350_000 } });
    expect(b.tokensIn + b.tokensOut).toBe(4_000);
    expect(b.exhausted).toMatchObject({ dimension: 'tokens', taskId: 'a' });
    const extended = foldGoalLog([
      ...events,
      ...log(['budget.extended', { by: 'me', extensions: [], limits, per_task: { tokens: 90_000, usd_micros: null } }]).map((e) => ({ ...e, seq: 6 })),
    ]).budget;
    expect(extended.perTask).toEqual({ tokens: 90_000, usd_micros: null });
    expect(extended.exhausted).toBeUndefined();
  });

  it('logs written before per-task budgets still fold: no per-task limits, exhaustion without a task', () => {
    const b = foldGoalLog(log(['budget.set', { limits, source: 'flags' }], ['budget.exhausted', { dimension: 'usd', detail: 'd', role: 'planner', time_ms: 1 }])).budget;
    expect(b.perTask).toBeNull();
    expect(b.reservations.size).toBe(0);
    expect(b.exhausted).toEqual({ dimension: 'usd', detail: 'd', seq: 2, taskId: undefined });
  });
});
