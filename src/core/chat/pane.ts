import type { ApprovalRequest, ChatEvent, ChatMode, GateStatus, PendingDiff, PlanStep, RouteDecision } from './types.js';

/**
 * The engine pane's state: a pure fold of chat events (`reducePane`) plus the child goal's view
 * (`paneWithGoal`, in pane-goal.ts). The Ink pane renders it; nothing here reads a clock or a file.
 */

export interface PaneWorker {
  id: string;
  task: string;
  state: 'running' | 'done' | 'failed';
  /** ISO time it started (elapsed time is the renderer's, from its own clock). */
  started_at: string;
}

export interface PaneState {
  session: string;
  mode: ChatMode;
  goal_id: string | null;
  /** The latest route decision, and the ones before it (newest first, at most 5). */
  decision: RouteDecision | null;
  recent: RouteDecision[];
  plan: PlanStep[];
  workers: PaneWorker[];
  gates: GateStatus[];
  /** Newest first, at most 50. */
  escalations: Array<{ kind: string; summary: string; at: string }>;
  cost: { tokens_in: number; tokens_out: number; usd: number };
  approval: ApprovalRequest | null;
  pending_diff: PendingDiff | null;
  warnings: string[];
  /** Whether the last request is still running. */
  busy: boolean;
  /** The child goal followed, from its GoalView (status, phase, its own spending). */
  goal: { id: string; status: string; phase: string; tokens_in: number; tokens_out: number; usd: number } | null;
}

const MAX_RECENT = 5;
const MAX_ESCALATIONS = 50;
const MAX_WARNINGS = 5;

export function initialPane(session: string): PaneState {
  return {
    session,
    mode: 'idle',
    goal_id: null,
    decision: null,
    recent: [],
    plan: [],
    workers: [],
    gates: [],
    escalations: [],
    cost: { tokens_in: 0, tokens_out: 0, usd: 0 },
    approval: null,
    pending_diff: null,
    warnings: [],
    busy: false,
    goal: null,
  };
}

/** Folds one chat event into the pane. Returns a new state; the old one is not changed. */
export function reducePane(state: PaneState, event: ChatEvent): PaneState {
  switch (event.type) {
    case 'route':
      return {
        ...state,
        busy: true,
        decision: event.decision,
        recent: state.decision ? [state.decision, ...state.recent].slice(0, MAX_RECENT) : state.recent,
        // A new request starts with a clean plan, workers and gates; escalations and cost accumulate.
        plan: [],
        workers: [],
        gates: [],
      };
    case 'mode':
      return { ...state, mode: event.mode, goal_id: event.goal_id ?? (event.mode === 'goal' ? state.goal_id : null) };
    case 'approval_needed':
      return { ...state, approval: event.request };
    case 'approval_answered':
      return state.approval?.id === event.id ? { ...state, approval: null } : state;
    case 'worker': {
      const existing = state.workers.find((w) => w.id === event.worker_id);
      const status: PaneWorker['state'] = event.state === 'started' ? 'running' : event.state === 'completed' ? 'done' : 'failed';
      const worker: PaneWorker = { id: event.worker_id, task: event.task, state: status, started_at: existing?.started_at ?? event.at };
      return { ...state, workers: existing ? state.workers.map((w) => (w.id === event.worker_id ? worker : w)) : [...state.workers, worker] };
    }
    case 'plan':
      return { ...state, plan: event.steps };
    case 'gate':
      return { ...state, gates: upsertGate(state.gates, event.gate) };
    case 'diff_ready':
      return { ...state, pending_diff: event.diff };
    case 'diff_resolved':
      return { ...state, pending_diff: null };
    case 'goal_created':
      return { ...state, mode: 'goal', goal_id: event.goal_id };
    case 'cost':
      return {
        ...state,
        cost: { tokens_in: state.cost.tokens_in + event.tokens_in, tokens_out: state.cost.tokens_out + event.tokens_out, usd: state.cost.usd + event.usd },
      };
    case 'warning':
      return { ...state, warnings: [...state.warnings, event.message].slice(-MAX_WARNINGS) };
    case 'escalation':
      return { ...state, escalations: [{ kind: event.kind, summary: event.summary, at: event.at }, ...state.escalations].slice(0, MAX_ESCALATIONS) };
    case 'result':
      // A large request's goal keeps the pane in goal mode until its verdict; everything else ends idle.
      return { ...state, busy: false, approval: null, mode: event.outcome.kind === 'goal' && event.outcome.status === 'running' ? 'goal' : 'idle' };
    case 'proceeding':
    case 'text':
    case 'activity':
    case 'goal_event':
    case 'proof_ready':
    case 'info':
      return state;
  }
}

/** Workers active now and in total, as the collapsed pane's `workers a/t`. */
export function workerCounts(state: PaneState): { active: number; total: number } {
  return { active: state.workers.filter((w) => w.state === 'running').length, total: state.workers.length };
}

function upsertGate(gates: GateStatus[], gate: GateStatus): GateStatus[] {
  return gates.some((g) => g.name === gate.name) ? gates.map((g) => (g.name === gate.name ? gate : g)) : [...gates, gate];
}

export type { ChatMode, PlanStep, RouteDecision };
