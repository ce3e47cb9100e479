import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../../src/core/bus.js';
import {
  ESCALATION_EVENT_TYPES,
  ESCALATION_KINDS,
  entryFromEvent,
  eventsMissedEntry,
  isEscalationCandidate,
} from '../../src/core/escalation.js';
import { EVENT_CATALOGUE } from '../../src/core/events/catalogue.js';

const TS = '2025-03-04T05:06:07.890Z';

function at(message: Omit<BusMessage, 'ts'> & { ts?: string }): BusMessage {
  return { ts: TS, ...message } as BusMessage;
}

describe('entryFromEvent', () => {
  it('ignores classifier decisions', () => {
    const m = at({
      type: 'classifier.decided',
      payload: { intent: 'small', confidence: 0.9, latency_ms: 100, reasoning: 'test', cached: false, fallback: false },
    });
    expect(entryFromEvent(m)).toBeNull();
  });

  it('ignores a trivial router escalation', () => {
    const m = at({ type: 'router.escalated', payload: { intent: 'trivial', target_mode: 'direct-llm', preflight: false } });
    expect(entryFromEvent(m)).toBeNull();
  });

  it('maps a non-trivial router escalation; preflight means no auto-proceed', () => {
    const m = at({ type: 'router.escalated', payload: { intent: 'small', target_mode: 'wire-worker', preflight: true } });
    expect(entryFromEvent(m)).toEqual({
      ts: TS,
      kind: 'router_escalation',
      goal_id: null,
      intent: 'small',
      summary: 'escalating to wire-worker',
      confidence: null,
      auto_proceed: false,
    });
  });

  it('carries the router confidence and auto-proceeds without preflight', () => {
    const m = at({
      type: 'router.escalated',
      payload: { intent: 'large', target_mode: 'goal-run', preflight: false, confidence: 0.82 },
    });
    expect(entryFromEvent(m)).toMatchObject({ intent: 'large', confidence: 0.82, auto_proceed: true });
  });

  it('maps a started worker', () => {
    const m = at({ type: 'worker.started', payload: { worker_id: 'w1', kind: 'edit', task: 'rename' } });
    expect(entryFromEvent(m)).toMatchObject({
      kind: 'worker_started',
      summary: 'edit: rename (w1)',
      auto_proceed: false,
      goal_id: null,
      intent: null,
    });
  });

  it('maps a worker that completed', () => {
    const m = at({ type: 'worker.completed', payload: { worker_id: 'w1', ok: true, files_touched: 3 } });
    expect(entryFromEvent(m)).toMatchObject({ kind: 'worker_completed', summary: 'w1 completed' });
  });

  it('maps a worker that failed', () => {
    const m = at({ type: 'worker.completed', payload: { worker_id: 'w1', ok: false, files_touched: 0 } });
    expect(entryFromEvent(m)).toMatchObject({ kind: 'worker_completed', summary: 'w1 failed' });
  });

  it('maps goal creation, taking the goal id from the payload', () => {
    const top = at({ type: 'goal.created', payload: { goal_id: 'g1', prompt: 'add rate limiting' } });
    expect(entryFromEvent(top)).toMatchObject({ kind: 'goal_created', goal_id: 'g1', summary: 'goal created' });
    const child = at({ type: 'goal.created', goal_id: 'ignored', payload: { goal_id: 'g2', prompt: 'p', parent_id: 'g1' } });
    expect(entryFromEvent(child)).toMatchObject({ goal_id: 'g2', summary: 'child goal created' });
  });

  it('maps a gate transition with the goal id from the message', () => {
    const m = at({ type: 'gate.transitioned', goal_id: 'g1', payload: { gate: 'test', from: 'running', to: 'passed' } });
    expect(entryFromEvent(m)).toMatchObject({
      kind: 'gate_transition',
      goal_id: 'g1',
      summary: 'gate test: running -> passed',
    });
  });

  it('maps gate runs and breaker changes as gate transitions', () => {
    const started = at({
      type: 'gate.started',
      goal_id: 'g1',
      payload: { gate: 'test', run_id: 'r1', command: 'npm test', cwd: '.', tree_sha: 'abc' },
    });
    expect(entryFromEvent(started)).toMatchObject({ kind: 'gate_transition', goal_id: 'g1', summary: 'gate test: pending -> running' });
    const finished = at({
      type: 'gate.finished',
      goal_id: 'g1',
      payload: {
        gate: 'test',
        run_id: 'r1',
        tree_sha: 'abc',
        outcome: 'failed',
        passed: false,
        required: true,
        exit_code: 1,
        duration_ms: 12,
        cached: true,
        result_path: 'artifacts/gates/r1/result.json',
        stdout_sha256: 'x',
        stderr_sha256: 'y',
      },
    });
    expect(entryFromEvent(finished)?.summary).toBe('gate test: running -> failed (cached)');
    const breaker = at({ type: 'gate.breaker_transitioned', goal_id: 'g1', payload: { gate: 'lint', from: 'closed', to: 'open' } });
    expect(entryFromEvent(breaker)?.summary).toBe('gate lint circuit breaker: closed -> open');
  });

  it('maps a ready proof', () => {
    const m = at({ type: 'proof.ready', goal_id: 'g1', payload: { path: '/tmp/proof.md' } });
    expect(entryFromEvent(m)).toMatchObject({ kind: 'proof_ready', goal_id: 'g1', summary: 'proof ready at /tmp/proof.md' });
  });

  it('maps a cancelled goal, with and without a reason', () => {
    const bare = at({ type: 'goal.cancelled', goal_id: 'g1', payload: {} });
    expect(entryFromEvent(bare)).toMatchObject({ kind: 'cancelled', goal_id: 'g1', summary: 'goal cancelled' });
    const why = at({ type: 'goal.cancelled', goal_id: 'g1', payload: { reason: 'user pressed ^C' } });
    expect(entryFromEvent(why)?.summary).toBe('goal cancelled: user pressed ^C');
  });

  it('maps a failed goal to its reason', () => {
    const m = at({ type: 'goal.failed', goal_id: 'g1', payload: { reason: 'oom' } });
    expect(entryFromEvent(m)).toMatchObject({ kind: 'failed', goal_id: 'g1', summary: 'oom' });
  });

  it('maps a refusal, with the intent when known', () => {
    const m = at({ type: 'request.refused', payload: { reason: 'cost cap', intent: 'large' } });
    expect(entryFromEvent(m)).toMatchObject({ kind: 'refused', summary: 'cost cap', intent: 'large' });
    const noIntent = at({ type: 'request.refused', payload: { reason: 'cost cap' } });
    expect(entryFromEvent(noIntent)?.intent).toBeNull();
  });

  it('lower-cases intents even if a producer does not', () => {
    const m = { ts: TS, type: 'request.refused', payload: { reason: 'r', intent: 'LARGE' } } as unknown as BusMessage;
    expect(entryFromEvent(m)?.intent).toBe('large');
  });

  it('ignores cost records and goal status changes', () => {
    expect(
      entryFromEvent(at({ type: 'cost.recorded', payload: { source: 'llm', tokens_in: 100, tokens_out: 50, usd: 0.01 } })),
    ).toBeNull();
    expect(entryFromEvent(at({ type: 'goal.status_changed', goal_id: 'g1', payload: { from: 'running', to: 'ready' } }))).toBeNull();
  });

  it('ignores event types from a newer omk', () => {
    const m = { ts: TS, type: 'worker.teleported', payload: { worker_id: 'w1' } } as unknown as BusMessage;
    expect(entryFromEvent(m)).toBeNull();
    expect(isEscalationCandidate(m)).toBe(false);
  });

  it('stamps the entry with the message time, not a clock', () => {
    const m = at({ type: 'goal.failed', ts: '1999-12-31T23:59:59.000Z', payload: { reason: 'y2k' } });
    expect(entryFromEvent(m)?.ts).toBe('1999-12-31T23:59:59.000Z');
  });

  it('fills goal_id from the message for session events that name a goal', () => {
    const m = at({ type: 'worker.started', goal_id: 'g7', payload: { worker_id: 'w1', kind: 'edit', task: 't' } });
    expect(entryFromEvent(m)?.goal_id).toBe('g7');
  });
});

describe('escalation candidates', () => {
  it('lists exactly the catalogue types that can map to a line', () => {
    for (const type of ESCALATION_EVENT_TYPES) expect(Object.hasOwn(EVENT_CATALOGUE, type)).toBe(true);
    expect([...ESCALATION_EVENT_TYPES].sort()).toEqual(
      [
        'gate.transitioned',
        'gate.started',
        'gate.finished',
        'gate.breaker_transitioned',
        'goal.cancelled',
        'goal.created',
        'goal.failed',
        'proof.ready',
        'request.refused',
        'router.escalated',
        'worker.completed',
        'worker.started',
      ].sort(),
    );
  });
});

describe('eventsMissedEntry', () => {
  it('describes the hole in the audit trail', () => {
    expect(eventsMissedEntry(TS, 42)).toEqual({
      ts: TS,
      kind: 'events_missed',
      goal_id: null,
      intent: null,
      summary: 'escalation log fell behind and missed 42 events',
      confidence: null,
      auto_proceed: false,
    });
    expect(ESCALATION_KINDS).toContain('events_missed');
  });
});
