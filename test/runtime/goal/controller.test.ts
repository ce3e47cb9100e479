import { describe, expect, it } from 'vitest';
import { afterAttempt, decideNextStep, foldGoalLog, newGoalId } from '../../../src/core/goal/controller/index.js';
import { buildEnvelope, genesisHash, type EventEnvelope } from '../../../src/core/events/envelope.js';
import type { TaskGraph } from '../../../src/core/goal/task-graph/schema.js';
import type { TaskStatus } from '../../../src/core/store/types.js';

function log(...events: Array<[string, unknown]>): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prev = genesisHash('g');
  events.forEach(([type, payload], i) => {
    const e = buildEnvelope({ seq: i + 1, ts: '2025-01-01T00:00:00.000Z', type, payload, prev });
    prev = e.hash;
    out.push(e);
  });
  return out;
}

const intake = (testable = true) => [
  'goal.intake_assessed',
  { type: 'bugfix', confidence: 0.95, testable, oracle: { gates: ['test'], rationale: 'r', human_review: false }, base_ref: 'main', base_sha: 'b', languages: [], gates: ['test'], max_agents: 1, until_ready: false, engine: 'e' },
] as [string, unknown];
const planned: [string, unknown] = ['goal.planned', { planner: 'engine', asks: 1, graph_sha256: 'x', tasks: [{ id: 'a', title: 'A', depends_on: [], max_retries: 1 }] }];
const graph = { version: 1, goal_id: 'g', tasks: [{ id: 'a', title: 'A', description: 'd', role: 'executor', depends_on: [], read_set: [], write_set: ['a.js'], acceptance: ['x'], risk: 'low', max_retries: 1, gates: ['test'] }] } as TaskGraph;
const opts = { maxAgents: 1, untilReady: false, maxRounds: 3 };
const statuses = (s: Record<string, TaskStatus>) => new Map(Object.entries(s));

describe('the pure controller', () => {
  it('goal ids sort by time and carry four hex digits', () => {
    expect(newGoalId(new Date('2025-03-01T12:34:56.789Z'), '0a1b')).toBe('g-20250301-123456-0a1b');
    expect(() => newGoalId(new Date(0), 'xyz')).toThrow(RangeError);
  });

  it('walks intake → plan → baseline → execute → integrate → review → prove → finish', () => {
    expect(decideNextStep(foldGoalLog([]), undefined, statuses({}), opts)).toEqual({ kind: 'intake' });
    expect(decideNextStep(foldGoalLog(log(intake())), undefined, statuses({}), opts)).toEqual({ kind: 'plan' });
    const base: Array<[string, unknown]> = [intake(), planned];
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'queued' }), opts).kind).toBe('baseline');
    base.push(['baseline.completed', { base_sha: 'b', tree_sha: 't', passed: [], failed: ['test'] }]);
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'queued' }), opts)).toEqual({ kind: 'execute', taskIds: ['a'] });
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'leased' }), opts)).toEqual({ kind: 'wait', taskIds: ['a'] });
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'done' }), opts).kind).toBe('integrate');
    base.push(['integration.completed', { round: 1, branch: 'omk/g/integration', head_sha: 'h', head_tree: 't', merged: ['a'] }]);
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'done' }), opts).kind).toBe('review');
    base.push(['review.completed', { round: 1, reviewed_sha: 'h', sections: {}, path: 'p' }]);
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'done' }), opts).kind).toBe('prove');
    base.push(['proof.written', { round: 1, status: 'ready', readiness: 'Ready.', gaps: [], path: 'proof.json', sha256: 's' }]);
    expect(decideNextStep(foldGoalLog(log(...base)), graph, statuses({ a: 'done' }), opts)).toEqual({ kind: 'finish', status: 'ready', reason: 'Ready.' });
  });

  it('an untestable goal goes straight to its proof, then finishes', () => {
    const events: Array<[string, unknown]> = [intake(false), ['goal.question_asked', { question_id: 'q1', question: 'Which test?' }]];
    expect(decideNextStep(foldGoalLog(log(...events)), undefined, statuses({}), opts).kind).toBe('prove');
  });

  it('until-ready re-queues failed tasks, and stops when a round ends with the same gaps', () => {
    const gaps = ['oracle gate `test` failed on head h (exit 1)'];
    const events: Array<[string, unknown]> = [
      intake(),
      planned,
      ['baseline.completed', { base_sha: 'b', tree_sha: 't', passed: [], failed: ['test'] }],
      ['integration.completed', { round: 1, branch: 'i', head_sha: 'h', head_tree: 't', merged: [] }],
      ['review.completed', { round: 1, reviewed_sha: 'h', sections: {}, path: 'p' }],
      ['proof.written', { round: 1, status: 'not_ready', readiness: 'Not ready.', gaps, path: 'proof.json', sha256: 's' }],
    ];
    const until = { ...opts, untilReady: true };
    expect(decideNextStep(foldGoalLog(log(...events)), graph, statuses({ a: 'failed' }), until)).toMatchObject({ kind: 'next_round', round: 2, requeue: ['a'] });
    expect(decideNextStep(foldGoalLog(log(...events)), graph, statuses({ a: 'failed' }), opts).kind).toBe('finish');
    events.push(
      ['goal.round_started', { round: 2, requeued: ['a'], reason: 'x' }],
      ['integration.completed', { round: 2, branch: 'i', head_sha: 'h', head_tree: 't', merged: [] }],
      ['review.completed', { round: 2, reviewed_sha: 'h', sections: {}, path: 'p' }],
      ['proof.written', { round: 2, status: 'not_ready', readiness: 'Not ready.', gaps, path: 'proof.json', sha256: 's' }],
    );
    const step = decideNextStep(foldGoalLog(log(...events)), graph, statuses({ a: 'failed' }), until);
    expect(step).toMatchObject({ kind: 'finish', status: 'not_ready' });
    expect(step.kind === 'finish' && step.reason).toMatch(/no progress/);
  });

  it('retries are bounded by max_retries', () => {
    expect(afterAttempt('passed', 3, 0)).toBe('done');
    expect(afterAttempt('gates_failed', 1, 1)).toBe('retry');
    expect(afterAttempt('gates_failed', 2, 1)).toBe('failed');
    expect(afterAttempt('scope_violation', 1, 0)).toBe('failed');
  });
});
