import { describe, expect, it } from 'vitest';
import { initialPane, reducePane, workerCounts } from '../../../src/core/chat/pane.js';
import type { ChatEvent } from '../../../src/core/chat/types.js';

const fold = (events: ChatEvent[]) => events.reduce(reducePane, initialPane('c-20250101-000000-abcd'));

describe('the engine pane reducer', () => {
  it('folds a small edit: decision, workers a/t, gates, escalations newest first, cost summed', () => {
    const pane = fold([
      { type: 'route', decision: { route: 'small', confidence: 0.9, reason: 'one file', source: 'heuristic', latency_ms: 2 } },
      { type: 'mode', mode: 'edit' },
      { type: 'escalation', kind: 'router_escalation', summary: 'escalating to worker-edit', at: 't1' },
      { type: 'worker', worker_id: 'edit-1', task: 'fix', state: 'started', at: 't1' },
      { type: 'escalation', kind: 'worker_started', summary: 'small: fix (edit-1)', at: 't2' },
      { type: 'gate', gate: { name: 'test', state: 'running' } },
      { type: 'cost', tokens_in: 100, tokens_out: 10, usd: 0.01 },
      { type: 'cost', tokens_in: 50, tokens_out: 5, usd: 0.02 },
    ]);
    expect(pane).toMatchObject({ mode: 'edit', busy: true, decision: { route: 'small' }, gates: [{ name: 'test', state: 'running' }] });
    expect(workerCounts(pane)).toEqual({ active: 1, total: 1 });
    expect(pane.escalations.map((e) => e.kind)).toEqual(['worker_started', 'router_escalation']);
    expect(pane.cost.tokens_in).toBe(150);
    expect(pane.cost.usd).toBeCloseTo(0.03);

    const done = [
      { type: 'gate', gate: { name: 'test', state: 'passed' } },
      { type: 'worker', worker_id: 'edit-1', task: 'fix', state: 'completed', at: 't3' },
      { type: 'result', outcome: { kind: 'no_change', route: 'small', text: 'x' } },
    ] as ChatEvent[];
    const after = done.reduce(reducePane, pane);
    expect(after).toMatchObject({ mode: 'idle', busy: false, gates: [{ name: 'test', state: 'passed' }], workers: [{ id: 'edit-1', state: 'done', started_at: 't1' }] });
    expect(workerCounts(after)).toEqual({ active: 0, total: 1 });
  });

  it('keeps earlier decisions as recent, newest first, and starts each request with a clean plan', () => {
    const decision = (route: 'trivial' | 'large') => ({ type: 'route', decision: { route, confidence: 1, reason: route, source: 'forced', latency_ms: 0 } }) as ChatEvent;
    const pane = fold([decision('large'), { type: 'plan', steps: [{ id: 't1', title: 'a', state: 'done' }] }, decision('trivial')]);
    expect(pane.decision?.route).toBe('trivial');
    expect(pane.recent.map((d) => d.route)).toEqual(['large']);
    expect(pane.plan).toEqual([]);
  });
});
