import { setTimeout as sleep } from 'node:timers/promises';
import { foldGoalLog, type GoalLog } from '../../core/goal/controller/goal-log.js';
import { isStopped } from '../../core/goal/controller/next-step.js';
import { selectReadyTasks } from '../../core/goal/task-graph/ready.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import { BudgetRefusedError, GoalBudget } from './budget.js';
import { scopeOf, type GoalRuntime, type GoalScope } from './context.js';
import { CONTROL_POLL_MS } from './control.js';
import { goalGraph } from './driver.js';
import { executeTaskAttempt, type TaskStepResult } from './execute-task.js';
import { reclaimDeadLeases } from './lease-sweep.js';

export interface WorkerOptions {
  /** Work on this goal only; default: every running goal in the store. */
  goalId?: string;
  /** Exit after this long with nothing to claim; negative: never. */
  idleExitMs: number;
  /** How often an idle worker looks for work. @default 500 */
  pollMs?: number;
  /** Who this worker is in progress lines. */
  onAttempt?: (goalId: string, taskId: string, result: TaskStepResult) => void;
}

export interface WorkerSummary {
  attempts: number;
  reason: string;
}

/**
 * `omk worker`: a separate process that claims ready tasks of running goals from the shared store and
 * runs one attempt at a time, exactly as the controller's own agents do (lease, worktree, agent,
 * omk-made commit, gates, fenced release). The goal's controller integrates and proves; the worker
 * only executes. It respects the goal's `max_agents` (leases held by anyone count), stops its attempt
 * when the goal is paused or cancelled, and takes back tasks of holders that died on this machine.
 */
export async function runWorker(rt: GoalRuntime, opts: WorkerOptions): Promise<WorkerSummary> {
  const poll = opts.pollMs ?? 500;
  let attempts = 0;
  let idleSince = rt.now().getTime();
  while (!rt.signal.aborted) {
    const claimed = await claimAndRun(rt, opts);
    if (claimed) {
      attempts += 1;
      opts.onAttempt?.(claimed.goalId, claimed.taskId, claimed.result);
      idleSince = rt.now().getTime();
      continue;
    }
    if (opts.idleExitMs >= 0 && rt.now().getTime() - idleSince >= opts.idleExitMs) return { attempts, reason: 'no work to claim' };
    await sleep(poll, undefined, { signal: rt.signal }).catch(() => undefined);
  }
  return { attempts, reason: 'interrupted' };
}

async function claimAndRun(rt: GoalRuntime, opts: WorkerOptions): Promise<{ goalId: string; taskId: string; result: TaskStepResult } | undefined> {
  const goals = opts.goalId ? [await rt.store.getGoal(opts.goalId)] : await rt.store.listGoals();
  for (const goal of goals) {
    if (!goal || goal.status !== 'running') continue;
    const scope = scopeOf(rt, goal.id);
    const log = await rt.store.goalLog(goal.id);
    if (!workable(log)) continue;
    const graph = await goalGraph(scope, log);
    if (!graph) continue;
    await reclaimDeadLeases(scope);
    const statuses = new Map((await rt.store.listTasks(goal.id)).map((t) => [t.id, t.status] as const));
    const leased = [...statuses.values()].filter((s) => s === 'leased').length;
    const { runnable } = selectReadyTasks(graph, statuses, { slots: Math.max(0, log.intake!.max_agents - leased) });
    for (const taskId of runnable) {
      const result = await attempt(scope, taskId, log, graph);
      if (result === 'not_leased') continue;
      // Refused (recorded as budget.exhausted): this goal is not workable any more; its controller proves it.
      if (result === 'budget_refused') break;
      return { goalId: goal.id, taskId, result };
    }
  }
  return undefined;
}

/** Planned and baselined, not paused, cancelled or asked to stop: its ready tasks may be claimed. */
function workable(log: GoalLog): boolean {
  return !isStopped(log) && log.plan !== undefined && log.baseline !== undefined && !log.paused && !log.cancelled && !log.control;
}

/** One attempt, stopped when the goal is paused or cancelled from any terminal (noticed within a poll). */
async function attempt(scope: GoalScope, taskId: string, log: GoalLog, graph: TaskGraph): Promise<TaskStepResult | 'budget_refused'> {
  const { rt } = scope;
  const stop = new AbortController();
  const watch = setInterval(() => {
    rt.store
      .readEvents(scope.goalId, { fromSeq: log.lastSeq + 1 })
      .then((events) => {
        const later = foldGoalLog(events);
        if (later.control || later.cancelled || later.paused) stop.abort({ kind: later.control?.kind ?? 'pause' });
      })
      .catch(() => undefined);
  }, CONTROL_POLL_MS);
  watch.unref();
  const signal = AbortSignal.any([rt.signal, stop.signal]);
  // Admits and reserves like the controller's agents; running time is the controller's to count.
  const budget = await GoalBudget.open(scope, { countsTime: false });
  try {
    return await executeTaskAttempt({ ...scope, rt: { ...rt, signal }, budget }, graph, taskId, log.intake!);
  } catch (error) {
    if (error instanceof BudgetRefusedError) return 'budget_refused';
    throw error;
  } finally {
    clearInterval(watch);
  }
}
