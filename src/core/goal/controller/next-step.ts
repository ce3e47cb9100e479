import type { TaskStatus } from '../../store/types.js';
import { selectReadyTasks } from '../task-graph/ready.js';
import type { TaskGraph } from '../task-graph/schema.js';
import { latestProof, type GoalLog } from './goal-log.js';

/**
 * The controller's decision: given what the log says happened and who holds which task now, what is
 * the one next step? Pure, so every transition is testable without git, agents or a clock; the
 * runtime driver performs the step, records it as events, and asks again.
 */
export type NextStep =
  | { kind: 'intake' }
  | { kind: 'plan' }
  | { kind: 'baseline' }
  /** Start these tasks now (as many as free agent slots allow, write sets disjoint). */
  | { kind: 'execute'; taskIds: string[] }
  /** Tasks are leased by another worker (another process); nothing to start here. */
  | { kind: 'wait'; taskIds: string[] }
  | { kind: 'integrate' }
  | { kind: 'review' }
  | { kind: 'prove' }
  | { kind: 'next_round'; round: number; requeue: string[]; reason: string }
  | { kind: 'finish'; status: string; reason: string };

export interface ControllerOptions {
  /** Workers that may hold leases at once. @default 1 */
  maxAgents: number;
  /** Repeat execution → integration → review after a not_ready proof while attempts remain. */
  untilReady: boolean;
  /** Rounds allowed under until-ready (the first one included). @default 3 */
  maxRounds: number;
}

export const DEFAULT_MAX_ROUNDS = 3;

export function decideNextStep(
  log: GoalLog,
  graph: TaskGraph | undefined,
  statuses: ReadonlyMap<string, TaskStatus>,
  options: ControllerOptions,
): NextStep {
  if (!log.intake) return { kind: 'intake' };
  // A proof written before more budget was added answers a goal that has since moved on.
  const provedThisRound = log.proofs.some((p) => p.round === log.round && p.seq > log.budget.extendedSeq);
  const last = latestProof(log);

  // Nothing can move until a human, an engine or omk's own machinery is fixed: say so in a proof.
  if (isStopped(log)) {
    if (!provedThisRound) return { kind: 'prove' };
    return { kind: 'finish', status: last!.status, reason: last!.readiness };
  }
  if (!log.plan || !graph) return { kind: 'plan' };
  if (!log.baseline) return { kind: 'baseline' };

  const leased = graph.tasks.filter((t) => statuses.get(t.id) === 'leased').map((t) => t.id);
  const slots = Math.max(0, options.maxAgents - leased.length);
  const selection = selectReadyTasks(graph, statuses, { slots });
  if (selection.runnable.length > 0) return { kind: 'execute', taskIds: selection.runnable };
  if (leased.length > 0) return { kind: 'wait', taskIds: leased };

  if (log.integration?.round !== log.round) return { kind: 'integrate' };
  if (log.review?.round !== log.round) return { kind: 'review' };
  if (!provedThisRound) return { kind: 'prove' };

  if (last!.status !== 'not_ready' || !options.untilReady) return { kind: 'finish', status: last!.status, reason: last!.readiness };
  if (log.round >= options.maxRounds) {
    return { kind: 'finish', status: last!.status, reason: `until-ready: ${options.maxRounds} rounds used; ${last!.readiness}` };
  }
  // No-progress detection (recorded as goal.stalled when an attempt ended) stopped a task this round.
  const stall = log.stalls.find((s) => s.round === log.round);
  if (stall) {
    return { kind: 'finish', status: last!.status, reason: `until-ready stopped: no progress: ${stall.findings[0]?.message ?? stall.diagnosis}` };
  }
  const previous = log.proofs.filter((p) => p.round === log.round - 1).at(-1);
  if (previous && sameGaps(previous.gaps, last!.gaps)) {
    return { kind: 'finish', status: last!.status, reason: `until-ready stopped: round ${log.round} ended with the same gaps as round ${log.round - 1} (no progress)` };
  }
  const requeue = graph.tasks.filter((t) => statuses.get(t.id) === 'failed').map((t) => t.id);
  if (requeue.length === 0) {
    return { kind: 'finish', status: last!.status, reason: `until-ready stopped: no failed task to retry; ${last!.readiness}` };
  }
  return { kind: 'next_round', round: log.round + 1, requeue, reason: last!.gaps[0] ?? last!.readiness };
}

/** Nothing can move until a human, an engine, omk's own machinery or the budget acts first (also what an `omk worker` obeys). */
export function isStopped(log: GoalLog): boolean {
  return !log.intake?.testable || log.questions.length > 0 || log.externalBlockers.length > 0 || log.infraFailures.length > 0 || log.budget.exhausted !== undefined;
}

function sameGaps(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i]);
}

/** How an attempt ended, as far as retrying is concerned. */
export type AttemptOutcome = 'passed' | 'gates_failed' | 'scope_violation' | 'engine_failed' | 'no_changes_failed';

/** After an attempt: the task is done, gets another attempt (bounded by max_retries), or has failed. */
export function afterAttempt(outcome: AttemptOutcome, attemptsThisRound: number, maxRetries: number): 'done' | 'retry' | 'failed' {
  if (outcome === 'passed') return 'done';
  return attemptsThisRound <= maxRetries ? 'retry' : 'failed';
}
