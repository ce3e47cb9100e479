import { initialPane, reducePane, type ChatEvent, type PaneState } from '../../src/app/chat/index.js';

// Pane states for golden renders, built by folding chat events the way a session does.
export const NOW = new Date('2026-12-07T10:15:30.000Z');
const at = (s: string) => `2026-12-07T10:${s}.000Z`;

function fold(events: ChatEvent[], session = 's-20261207-0a1b2c3d'): PaneState {
  return events.reduce(reducePane, initialPane(session));
}

export const idle = (): PaneState => fold([]);

export const classified = (): PaneState =>
  fold([
    { type: 'route', decision: { route: 'trivial', confidence: 1, reason: 'a question about the code (starts with "what")', source: 'heuristic', latency_ms: 0 } },
    { type: 'mode', mode: 'answer' },
    { type: 'cost', tokens_in: 1240, tokens_out: 310, usd: 0.0042 },
    { type: 'result', outcome: { kind: 'answered', route: 'trivial', text: 'It parses argv.' } },
  ]);

export const smallWorkerRunning = (): PaneState =>
  fold([
    { type: 'route', decision: { route: 'small', confidence: 0.88, reason: 'one bounded edit in a named file', source: 'model', latency_ms: 342 } },
    { type: 'escalation', kind: 'router_escalation', summary: 'escalating to edit (small, conf 0.88)', at: at('14:02') },
    { type: 'mode', mode: 'edit' },
    { type: 'worker', worker_id: 'small-1', task: 'rename parseArgs to parseArgv in src/cli.ts', state: 'started', at: at('14:05') },
    { type: 'escalation', kind: 'worker_started', summary: 'small: rename parseArgs to parseArgv in src/cli.ts (small-1)', at: at('14:05') },
    { type: 'gate', gate: { name: 'test', state: 'running' } },
    { type: 'gate', gate: { name: 'lint', state: 'passed' } },
    { type: 'cost', tokens_in: 1900, tokens_out: 770, usd: 0.172 },
  ]);

export const mediumPlan = (): PaneState =>
  fold([
    { type: 'route', decision: { route: 'medium', confidence: 0.74, reason: 'several steps in one module', source: 'model', latency_ms: 510 } },
    { type: 'mode', mode: 'plan' },
    {
      type: 'plan',
      steps: [
        { id: 's1', title: 'add a failing test for the empty config', state: 'done' },
        { id: 's2', title: 'reject an empty [chat] table with a hint', state: 'done' },
        { id: 's3', title: 'document the new error in docs/config.md', state: 'done' },
        { id: 's4', title: 'run the gates over the combined change', state: 'running' },
      ],
    },
    { type: 'worker', worker_id: 'plan-1', task: 'add a failing test for the empty config', state: 'started', at: at('12:00') },
    { type: 'worker', worker_id: 'plan-1', task: 'add a failing test for the empty config', state: 'completed', at: at('13:00') },
    { type: 'worker', worker_id: 'plan-2', task: 'reject an empty [chat] table with a hint', state: 'started', at: at('13:01') },
    { type: 'worker', worker_id: 'plan-2', task: 'reject an empty [chat] table with a hint', state: 'failed', at: at('14:00') },
    { type: 'worker', worker_id: 'plan-3', task: 'run the gates over the combined change', state: 'started', at: at('14:20') },
    { type: 'escalation', kind: 'router_escalation', summary: 'escalating to plan (medium, conf 0.74)', at: at('11:58') },
    { type: 'escalation', kind: 'worker_failed', summary: 'plan-2 failed', at: at('14:00') },
    { type: 'cost', tokens_in: 48_200, tokens_out: 9_100, usd: 0.93 },
  ]);

export const largeGoal = (): PaneState => {
  const s = fold([
    { type: 'route', decision: { route: 'large', confidence: 0.91, reason: 'a multi-file feature with new tests', source: 'heuristic', latency_ms: 1 } },
    { type: 'escalation', kind: 'router_escalation', summary: 'escalating to goal (large, conf 0.91)', at: at('01:00') },
    { type: 'goal_created', goal_id: 'g-7f3a9c' },
    { type: 'escalation', kind: 'goal_created', summary: 'goal g-7f3a9c created', at: at('01:02') },
    { type: 'plan', steps: [
      { id: 't1', title: 'session store with resume', state: 'done' },
      { id: 't2', title: 'escalation log writer', state: 'running' },
      { id: 't3', title: 'engine pane renderer', state: 'running' },
      { id: 't4', title: 'docs', state: 'pending' },
    ] },
    { type: 'worker', worker_id: 't2#1', task: 'escalation log writer', state: 'started', at: at('09:00') },
    { type: 'worker', worker_id: 't3#2', task: 'engine pane renderer', state: 'started', at: at('12:45') },
    { type: 'gate', gate: { name: 'test', state: 'passed' } },
    { type: 'gate', gate: { name: 'types', state: 'failed' } },
    { type: 'gate', gate: { name: 'lint', state: 'running' } },
    { type: 'escalation', kind: 'gate_transition', summary: 'gate test: running -> passed', at: at('08:10') },
    { type: 'escalation', kind: 'gate_transition', summary: 'gate types: running -> failed', at: at('08:40') },
    { type: 'escalation', kind: 'worker_started', summary: 'goal: engine pane renderer (t3#2)', at: at('12:45') },
    { type: 'cost', tokens_in: 800, tokens_out: 120, usd: 0.002 },
  ]);
  return { ...s, goal: { id: 'g-7f3a9c', status: 'running', phase: 'executing', tokens_in: 152_000, tokens_out: 31_400, usd: 2.418 } };
};
