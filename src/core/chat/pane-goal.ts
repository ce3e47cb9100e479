import type { GoalView } from '../goal/view/goal-view.js';
import type { PaneState, PaneWorker } from './pane.js';
import type { GateStatus, PlanStep, StepState } from './types.js';

/**
 * The pane over a child goal: its tasks become plan steps, its live agents the workers, its gate
 * runs the gates. Replaces what the goal owns and keeps the rest (decision, escalations, cost).
 */
export function paneWithGoal(state: PaneState, view: GoalView): PaneState {
  const plan: PlanStep[] = view.tasks.map((t) => ({ id: t.id, title: t.title, state: stepState(t.status, t.running) }));
  const workers: PaneWorker[] = view.workers.map((w) => ({
    id: `${w.task_id}#${w.attempt}`,
    task: view.tasks.find((t) => t.id === w.task_id)?.title ?? w.task_id,
    state: 'running',
    started_at: w.started_at,
  }));
  const gates = new Map<string, GateStatus>();
  for (const run of view.gates) gates.set(run.gate, { name: run.gate, state: run.passed ? 'passed' : 'failed' });
  for (const run of view.gates_running) gates.set(run.gate, { name: run.gate, state: 'running' });
  const finished = view.phase === 'finished';
  return {
    ...state,
    mode: finished ? state.mode : 'goal',
    goal_id: view.goal_id,
    plan,
    workers,
    gates: [...gates.values()],
    goal: { id: view.goal_id, status: view.status, phase: view.phase, tokens_in: view.cost.tokens_in, tokens_out: view.cost.tokens_out, usd: view.cost.usd },
  };
}

function stepState(status: string, running: number | null): StepState {
  if (running !== null) return 'running';
  if (status === 'done') return 'done';
  if (status === 'failed' || status === 'blocked') return 'failed';
  if (status === 'running' || status === 'leased') return 'running';
  return 'pending';
}
