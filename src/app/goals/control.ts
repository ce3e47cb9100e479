import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import type { SingleStep } from '../../core/goal/controller/single-step.js';
import { acceptsControl, isCancelled, isVerdict } from '../../core/goal/status.js';
import type { Store } from '../../core/store/store.js';
import type { Goal } from '../../core/store/types.js';
import { controllerAlive, describeController, recordCancel, recordPause, resumeGoal } from '../../runtime/goal/index.js';
import type { AppContext } from '../context.js';
import { openRepoStore, withRepoStore } from '../repo.js';
import { controlContext, goalRuntime } from '../runtime.js';
import { deliverAfterRun, type RunOutcome } from './finish.js';

/** What `pause` / `cancel` did (docs/goals.md `pause --json`). */
export interface ControlReport {
  goal_id: string;
  request: 'pause' | 'cancel';
  /** The goal's status after the request: unchanged while a live controller still has to honour it. */
  status: string;
  controller: { pid: number; host: string; heartbeat_at: string } | null;
  message: string;
}

/**
 * Pause and cancel from anywhere (CLI, REPL, dashboard, MCP). A request event is written; a running
 * controller (alive per the store's controller row) honours it within a second and records the outcome.
 * With no live controller the outcome is recorded here, in the same transaction as the request.
 */
export function pauseGoal(ctx: AppContext, ref: string, opts: { reason?: string; by?: string } = {}): Promise<ControlReport> {
  return request(ctx, ref, 'pause', opts);
}

export function cancelGoal(ctx: AppContext, ref: string, opts: { reason?: string; by?: string } = {}): Promise<ControlReport> {
  return request(ctx, ref, 'cancel', opts);
}

async function request(ctx: AppContext, ref: string, kind: 'pause' | 'cancel', opts: { reason?: string; by?: string }): Promise<ControlReport> {
  return withRepoStore(ctx, 'write', async (store, paths) => {
    const control = await controlContext(ctx, paths);
    try {
      const goal = await store.resolveGoal(ref);
      refuseFinished(goal, kind);
      if (kind === 'pause' && goal.status === 'paused') {
        return { goal_id: goal.id, request: kind, status: 'paused', controller: null, message: `goal ${goal.id} is already paused` };
      }
      const by = opts.by ?? control.by;
      const current = await control.host.registry.get(goal.id);
      const live = current && controllerAlive(current, control.host, ctx.now()) ? current : undefined;
      const reason = opts.reason?.trim() || undefined;
      await store.transaction(async (tx) => {
        await tx.appendEvent(goal.id, kind === 'pause' ? 'goal.pause_requested' : 'goal.cancel_requested', { by, ...(reason ? { reason } : {}) });
        if (live) return;
        if (kind === 'pause') await recordPause(tx, goal.id, by, reason);
        else await recordCancel(tx, goal.id, by, reason, ctx.now());
      });
      const status = live ? goal.status : kind === 'pause' ? 'paused' : 'cancelled';
      const message = live
        ? `${kind} requested; the controller (${describeController(live)}) stops within a second and records it`
        : `goal ${goal.id} ${kind === 'pause' ? 'paused' : 'cancelled'} (no controller was running)`;
      return { goal_id: goal.id, request: kind, status, controller: live ? { pid: live.pid, host: live.host, heartbeat_at: live.heartbeatAt } : null, message };
    } finally {
      await control.host.registry.close();
    }
  });
}

function refuseFinished(goal: Goal, kind: 'pause' | 'cancel' | 'resume'): void {
  if (isCancelled(goal.status)) {
    throw new OmkError('failed', `goal ${goal.id} was cancelled; cancel is terminal${kind === 'resume' ? ' and a cancelled goal is never run again' : ''}`, {
      hint: 'start a new goal with omk goal run "…"',
    });
  }
  if (kind !== 'resume' && !acceptsControl(goal.status)) {
    throw new OmkError('failed', `goal ${goal.id} already finished (${goal.status}); there is nothing to ${kind}`, { hint: `omk goal status ${goal.id}` });
  }
}

/** `resume`: continues a paused or crashed goal to its verdict, then delivers under the goal's recorded policies. */
export async function resumeGoalToVerdict(ctx: AppContext, ref: string, opts: { engine?: string } = {}): Promise<RunOutcome> {
  const { store, paths } = await openRepoStore(ctx, 'write');
  try {
    const goal = await store.resolveGoal(ref);
    refuseFinished(goal, 'resume');
    return await resumeResolved(ctx, store, paths, goal.id, opts.engine);
  } finally {
    await store.close();
  }
}

/** Resumes a goal already resolved in an open store (`resume`, `budget-add`). */
export async function resumeResolved(ctx: AppContext, store: Store, paths: Parameters<typeof goalRuntime>[2], goalId: string, engine: string | undefined): Promise<RunOutcome> {
  const { rt, config } = await goalRuntime(ctx, store, paths, engine ?? (await recordedEngine(store, goalId)));
  const control = await controlContext(ctx, paths);
  try {
    const result = await resumeGoal(rt, goalId, control);
    // Delivered as the run that created the goal would have (its recorded --policy / --merge-policy).
    return await deliverAfterRun(ctx, { store, paths, result, config });
  } finally {
    await control.host.registry.close();
  }
}

/**
 * `omk goal execute|verify|review GOAL`: one phase of the loop by hand, under the same controller hold
 * and recovery as resume; the goal is left paused for the next step or `omk goal resume`. Refused, with
 * nothing changed, when the goal is not at that phase.
 */
export async function stepGoal(ctx: AppContext, ref: string, only: SingleStep, opts: { engine?: string } = {}): Promise<RunOutcome> {
  return withRepoStore(ctx, 'write', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    refuseFinished(goal, 'resume');
    if (isVerdict(goal.status)) {
      throw new OmkError('failed', `goal ${goal.id} already has its verdict (${goal.status}); single steps run on a goal in progress`, { hint: `omk goal proof ${goal.id}` });
    }
    const { rt } = await goalRuntime(ctx, store, paths, opts.engine ?? (await recordedEngine(store, goal.id)));
    const control = await controlContext(ctx, paths);
    try {
      const result = await resumeGoal(rt, goal.id, control, only);
      return { result, goalDir: path.join(rt.goalsDir, goal.id), delivery: undefined };
    } finally {
      await control.host.registry.close();
    }
  });
}

/** The engine the goal's intake recorded, so a resume drives the same one unless told otherwise. */
export async function recordedEngine(store: Store, goalId: string): Promise<string | undefined> {
  const engine = (await store.goalLog(goalId)).intake?.engine;
  return engine && engine !== '(none)' ? engine : undefined;
}
