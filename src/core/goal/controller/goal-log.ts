import type { EventPayload } from '../../events/catalogue.js';
import type { EventEnvelope } from '../../events/envelope.js';
import { typedEvent, type TypedEnvelope } from '../../events/event-types.js';
import { emptyBudgetFacts, foldBudgetEvent, type BudgetFacts } from './budget-facts.js';

export type { BudgetFacts } from './budget-facts.js';

/**
 * A goal's state as its own event log tells it. The controller keeps nothing else: the store's
 * goals/tasks/leases rows say who holds what now, and everything the proof, `omk goal status` and a
 * resumed controller need to know about what happened is folded from the hash-chained events here.
 */
export type IntakeFacts = EventPayload<'goal.intake_assessed'>;
export type PlanFacts = EventPayload<'goal.planned'>;
export type GateRunFacts = EventPayload<'gate.run_recorded'> & { seq: number };
export type AttemptFacts = EventPayload<'task.attempt_finished'> & { seq: number; ts: string };
export type IntegrationFacts = EventPayload<'integration.completed'>;
export type ReviewFacts = EventPayload<'review.completed'>;
export type ProofFacts = EventPayload<'proof.written'> & { ts: string; seq: number };

export interface TaskFacts {
  id: string;
  /** Last known outcome from the log: `done`, `failed`, or undefined while open. */
  result: 'done' | 'failed' | undefined;
  commit: string | null;
  treeSha: string | null;
  attempts: AttemptFacts[];
  /** Attempts started (including one still running, and interrupted ones): the next attempt is `started + 1`. */
  started: number;
  /** The attempt started and neither finished nor interrupted yet (after a crash: the one to recover). */
  running: { attempt: number; round: number; startSha: string; worktree: string; branch: string } | undefined;
  /** Attempts stopped by pause, cancel, Ctrl-C or a crash; never counted against max_retries. */
  interrupted: number;
  failureReason?: string;
  /** Why no agent can work on it now (`task.blocked`); cleared when an attempt starts or a round re-queues it. */
  blocked?: string;
}

export interface GoalLog {
  goalId: string | undefined;
  prompt: string | undefined;
  createdAt: string | undefined;
  /** Last `goal.status_changed` target. */
  status: string | undefined;
  intake: IntakeFacts | undefined;
  questions: Array<{ id: string; question: string }>;
  externalBlockers: Array<{ kind: 'credentials' | 'network' | 'service' | 'other'; description: string }>;
  infraFailures: Array<{ component: string; message: string }>;
  decisions: Array<EventPayload<'decision.recorded'>>;
  plan: PlanFacts | undefined;
  baseline: EventPayload<'baseline.completed'> | undefined;
  gateRuns: GateRunFacts[];
  tasks: Map<string, TaskFacts>;
  /** 1 until an until-ready round starts another. */
  round: number;
  rounds: Array<EventPayload<'goal.round_started'>>;
  /** `goal.stalled`: tasks no-progress detection stopped, oldest first. */
  stalls: Array<EventPayload<'goal.stalled'> & { seq: number }>;
  integration: IntegrationFacts | undefined;
  merges: Array<EventPayload<'integration.merged'>>;
  conflicts: Array<EventPayload<'integration.conflicted'>>;
  bisections: Array<EventPayload<'integration.bisected'>>;
  /** Tasks added after planning (fix tasks, accepted proposals), in order. */
  added: Array<EventPayload<'task.added'>>;
  review: ReviewFacts | undefined;
  proofs: ProofFacts[];
  /** Cost events summed. */
  cost: { turns: number; tokensIn: number; tokensOut: number; usd: number };
  lastSeq: number;
  lastTs: string | undefined;
  /** A pause or cancel request not yet honoured (a cancel outranks a pause). */
  control: ControlRequest | undefined;
  /** Set by `goal.paused`, cleared by `goal.resumed`. */
  paused: boolean;
  /** `goal.cancelled`: terminal. */
  cancelled: { reason: string | undefined } | undefined;
  budget: BudgetFacts;
  /** Gates started and not yet finished (`gate.started` without its `gate.finished`), by run id. */
  gatesRunning: Map<string, { gate: string; treeSha: string; since: string }>;
  /** `human.accepted` / `human.rejected`, oldest first. */
  human: Array<{ kind: 'accepted' | 'rejected'; by: string; at: string; text: string }>;
  /** Delivery as recorded: the last pull request opened, the merge, the failures. */
  delivery: {
    pr: EventPayload<'delivery.pr_opened'> | undefined;
    merged: EventPayload<'delivery.merged'> | undefined;
    refused: Array<EventPayload<'delivery.merge_refused'>>;
    failed: Array<EventPayload<'delivery.failed'>>;
  };
  /** The approval policy's decisions on agents' tool calls, counted. */
  approvals: { allowed: number; denied: number };
}

export interface ControlRequest {
  kind: 'pause' | 'cancel';
  by: string;
  reason: string | undefined;
  seq: number;
}

function task(log: GoalLog, id: string): TaskFacts {
  let t = log.tasks.get(id);
  if (!t) log.tasks.set(id, (t = { id, result: undefined, commit: null, treeSha: null, attempts: [], started: 0, running: undefined, interrupted: 0 }));
  return t;
}

/** The log of a goal before its first event. */
export function emptyGoalLog(): GoalLog {
  return {
    goalId: undefined,
    prompt: undefined,
    createdAt: undefined,
    status: undefined,
    intake: undefined,
    questions: [],
    externalBlockers: [],
    infraFailures: [],
    decisions: [],
    plan: undefined,
    baseline: undefined,
    gateRuns: [],
    tasks: new Map(),
    round: 1,
    rounds: [],
    stalls: [],
    integration: undefined,
    merges: [],
    conflicts: [],
    bisections: [],
    added: [],
    review: undefined,
    proofs: [],
    cost: { turns: 0, tokensIn: 0, tokensOut: 0, usd: 0 },
    lastSeq: 0,
    lastTs: undefined,
    control: undefined,
    paused: false,
    cancelled: undefined,
    budget: emptyBudgetFacts(),
    gatesRunning: new Map(),
    human: [],
    delivery: { pr: undefined, merged: undefined, refused: [], failed: [] },
    approvals: { allowed: 0, denied: 0 },
  };
}

/** Folds events (in seq order) into a GoalLog. Unknown types are skipped: they come from a newer omk. */
export function foldGoalLog(events: readonly EventEnvelope[]): GoalLog {
  const log = emptyGoalLog();
  for (const e of events) applyEvent(log, e);
  return log;
}

/**
 * The incremental reducer: folds one event (the next in seq order) into `log`, in place, and returns
 * it. `foldGoalLog` is this over a whole log; the store, the feed and the controller apply only what is
 * new since the last seq they saw (docs/goal-view.md).
 */
export function applyEvent(log: GoalLog, event: EventEnvelope): GoalLog {
  log.lastSeq = event.seq;
  log.lastTs = event.ts;
  const e = typedEvent(event);
  if (e) applyTyped(log, e);
  return log;
}

function applyTyped(log: GoalLog, e: TypedEnvelope): void {
  // Budget facts (limits, usage, reservations) fold apart: budget-facts.ts.
  foldBudgetEvent(log.budget, e);
  switch (e.type) {
    case 'goal.created': {
      const p = e.payload;
      log.goalId = p.goal_id;
      log.prompt = p.prompt;
      log.createdAt = e.ts;
      break;
    }
    case 'goal.status_changed':
      log.status = e.payload.to;
      break;
    case 'goal.failed':
      log.infraFailures.push({ component: 'controller', message: e.payload.reason });
      break;
    case 'goal.intake_assessed':
      log.intake = e.payload;
      break;
    case 'goal.question_asked': {
      const p = e.payload;
      log.questions.push({ id: p.question_id, question: p.question });
      break;
    }
    case 'worktree.bootstrapped': {
      // A worktree whose include list or setup command failed blocks the goal until a later bootstrap of it succeeds.
      const p = e.payload;
      const prefix = `the worktree of ${p.task_id} is not ready: `;
      log.externalBlockers = log.externalBlockers.filter((b) => !b.description.startsWith(prefix));
      if (!p.ok) log.externalBlockers.push({ kind: 'other', description: `${prefix}${p.failure ?? 'its bootstrap failed'}` });
      break;
    }
    case 'engine.unavailable': {
      const p = e.payload;
      log.externalBlockers.push({ kind: p.kind, description: `the ${p.role} engine \`${p.engine}\` cannot start: ${p.detail}` });
      break;
    }
    case 'decision.recorded':
      log.decisions.push(e.payload);
      break;
    case 'goal.planned':
      log.plan = e.payload;
      for (const t of log.plan.tasks) task(log, t.id);
      break;
    case 'baseline.completed':
      log.baseline = e.payload;
      break;
    case 'gate.run_recorded':
      log.gateRuns.push({ ...e.payload, seq: e.seq });
      break;
    case 'task.started': {
      const p = e.payload;
      const t = task(log, p.task_id);
      t.started += 1;
      t.result = undefined;
      t.blocked = undefined;
      t.running = { attempt: p.attempt, round: p.round, startSha: p.start_sha, worktree: p.worktree, branch: p.branch };
      break;
    }
    case 'task.attempt_finished': {
      const p = e.payload;
      const t = task(log, p.task_id);
      t.attempts.push({ ...p, seq: e.seq, ts: e.ts });
      t.running = undefined;
      break;
    }
    case 'task.attempt_interrupted': {
      const t = task(log, e.payload.task_id);
      t.interrupted += 1;
      t.running = undefined;
      break;
    }
    case 'goal.pause_requested': {
      const p = e.payload;
      if (log.control?.kind !== 'cancel') log.control = { kind: 'pause', by: p.by, reason: p.reason, seq: e.seq };
      break;
    }
    case 'goal.cancel_requested': {
      const p = e.payload;
      log.control = { kind: 'cancel', by: p.by, reason: p.reason, seq: e.seq };
      break;
    }
    case 'goal.paused':
      log.paused = true;
      if (log.control?.kind === 'pause') log.control = undefined;
      break;
    case 'goal.resumed':
      log.paused = false;
      if (log.control?.kind === 'pause') log.control = undefined;
      break;
    case 'goal.cancelled':
      log.cancelled = { reason: e.payload.reason };
      log.control = undefined;
      break;
    case 'task.completed': {
      const p = e.payload;
      const t = task(log, p.task_id);
      t.result = 'done';
      t.commit = p.commit;
      t.treeSha = p.tree_sha;
      break;
    }
    case 'task.failed': {
      const p = e.payload;
      const t = task(log, p.task_id);
      t.result = 'failed';
      t.failureReason = p.reason;
      break;
    }
    case 'goal.stalled':
      log.stalls.push({ ...e.payload, seq: e.seq });
      break;
    case 'goal.round_started': {
      const p = e.payload;
      log.rounds.push(p);
      log.round = p.round;
      for (const id of p.requeued) {
        const t = task(log, id);
        t.result = undefined;
        t.blocked = undefined;
      }
      break;
    }
    case 'integration.merged':
      log.merges.push(e.payload);
      break;
    case 'integration.conflicted':
      log.conflicts.push(e.payload);
      break;
    case 'integration.bisected':
      log.bisections.push(e.payload);
      break;
    case 'task.added': {
      const p = e.payload;
      log.added.push(p);
      task(log, p.task.id);
      break;
    }
    case 'integration.completed':
      log.integration = e.payload;
      break;
    case 'review.completed':
      log.review = e.payload;
      break;
    case 'proof.written':
      log.proofs.push({ ...e.payload, ts: e.ts, seq: e.seq });
      break;
    case 'cost.recorded': {
      const p = e.payload;
      log.cost.turns += 1;
      log.cost.tokensIn += p.tokens_in;
      log.cost.tokensOut += p.tokens_out;
      log.cost.usd += p.usd;
      break;
    }
    case 'task.blocked':
      task(log, e.payload.task_id).blocked = e.payload.reason;
      break;
    case 'gate.started':
      log.gatesRunning.set(e.payload.run_id, { gate: e.payload.gate, treeSha: e.payload.tree_sha, since: e.ts });
      break;
    case 'gate.finished':
      log.gatesRunning.delete(e.payload.run_id);
      break;
    case 'human.accepted':
      log.human.push({ kind: 'accepted', by: e.payload.by, at: e.payload.at, text: e.payload.summary });
      break;
    case 'human.rejected':
      log.human.push({ kind: 'rejected', by: e.payload.by, at: e.payload.at, text: e.payload.reason });
      break;
    case 'delivery.pr_opened':
      log.delivery.pr = e.payload;
      break;
    case 'delivery.merged':
      log.delivery.merged = e.payload;
      break;
    case 'delivery.merge_refused':
      log.delivery.refused.push(e.payload);
      break;
    case 'delivery.failed':
      log.delivery.failed.push(e.payload);
      break;
    case 'approval.decided':
      if (e.payload.decision === 'allow') log.approvals.allowed += 1;
      else log.approvals.denied += 1;
      break;
    default:
      break;
  }
}

/** Attempts a task made in one round. */
export function attemptsInRound(t: TaskFacts, round: number): number {
  return t.attempts.filter((a) => a.round === round).length;
}

/** The latest proof, if any. */
export function latestProof(log: GoalLog): ProofFacts | undefined {
  return log.proofs[log.proofs.length - 1];
}
