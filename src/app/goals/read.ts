import { hostname } from 'node:os';
import path from 'node:path';
import { controllerAlive } from '../../core/goal/controller/liveness.js';
import { goalView, type ControllerView, type GoalView } from '../../core/goal/view/goal-view.js';
import { isActive } from '../../core/goal/status.js';
import type { StoreReader } from '../../core/store/store.js';
import type { Goal } from '../../core/store/types.js';
import { isProcessAlive } from '../../runtime/process/pid-alive.js';
import type { AppContext } from '../context.js';
import { withRepoStore, type RepoPaths } from '../repo.js';

export type { GoalView, TaskView, WorkerView, ControllerView } from '../../core/goal/view/goal-view.js';

/**
 * The read side: status, list, show. Read-only (the store is opened read-only: nothing is migrated,
 * healed or written) and fast — a goal's view comes from the store's snapshot of its folded log plus
 * the events after it, the running agents from the live sockets of the processes that run them.
 */

/** `status`: the goal's view (docs/goal-view.md). */
export function goalStatus(ctx: AppContext, ref: string): Promise<GoalView> {
  return withRepoStore(ctx, 'read', async (store, paths) => viewOf(ctx, store, paths, await store.resolveGoal(ref)));
}

/** A goal's view over an open store (the dashboard and MCP keep one open). */
export async function viewOf(ctx: Pick<AppContext, 'now'>, store: StoreReader, paths: RepoPaths, goal: Goal): Promise<GoalView> {
  const log = await store.goalLog(goal.id);
  const running = [...log.tasks.values()].some((t) => t.running !== undefined);
  const [controller, workers] = await Promise.all([controllerOf(store, goal.id, ctx.now()), running ? (await import('../../runtime/feed/live-client.js')).askWorkers(paths.omkDir, goal.id) : []]);
  return goalView(log, { goalId: goal.id, status: goal.status, request: goal.prompt, goalDir: path.join(paths.goalsDir, goal.id), workers, controller });
}

export async function controllerOf(store: StoreReader, goalId: string, now: Date): Promise<ControllerView | null> {
  const rec = await store.controller(goalId);
  if (!rec) return null;
  return { pid: rec.pid, host: rec.host, heartbeat_at: rec.heartbeatAt, alive: controllerAlive(rec, { host: hostname(), pidAlive: isProcessAlive }, now) };
}

/** A goal active in the store that no live controller drives: it makes no progress until someone resumes it. */
export function needsResume(status: string, controller: ControllerView | null): boolean {
  return isActive(status) && status !== 'created' && !controller?.alive;
}

export interface GoalListRow {
  goal_id: string;
  status: string;
  request: string;
  created_at: string;
  updated_at: string;
  /** `running` with no live controller: `omk goal resume` continues it. */
  needs_resume: boolean;
}

/** `list`: every goal of the repository, newest first. */
export function goalList(ctx: AppContext): Promise<{ goals: GoalListRow[] }> {
  return withRepoStore(ctx, 'read', async (store) => {
    const goals = await store.listGoals();
    const rows: GoalListRow[] = [];
    for (const g of goals) {
      // Only an active goal's controller matters here.
      const controller = isActive(g.status) ? await controllerOf(store, g.id, ctx.now()) : null;
      rows.push({ goal_id: g.id, status: g.status, request: g.prompt, created_at: g.createdAt, updated_at: g.updatedAt, needs_resume: needsResume(g.status, controller) });
    }
    return { goals: rows };
  });
}
