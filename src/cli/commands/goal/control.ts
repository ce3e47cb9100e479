import { OmkError } from '../../../core/errors.js';
import type { Goal } from '../../../core/store/types.js';
import { controllerAlive, describeController, recordCancel, recordPause, resumeGoal } from '../../../runtime/goal/index.js';
import type { SqliteStore } from '../../../runtime/store/sqlite-store.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { EXIT } from '../../exit-codes.js';
import { openGoalStore } from './open-store.js';
import { controlContext, goalRuntime, print } from './run.js';
import { exitForStatus } from './open-store.js';
import type { SingleStep } from '../../../core/goal/controller/single-step.js';

/**
 * `omk goal pause|cancel|resume GOAL` from any terminal. Pause and cancel write a request event; a
 * running controller (alive per the store's controller row) honours it within a second and records the
 * outcome. With no live controller the outcome is recorded here, in the same transaction as the request.
 */

const FINISHED = new Set(['ready', 'not_ready', 'blocked_on_human', 'blocked_on_external', 'needs_more_budget', 'failed_infra', 'cancelled']);

export function goalPauseCommand(ctx: CliContext, ref: string, opts: { reason?: string; json?: boolean }): Promise<number> {
  return request(ctx, ref, 'pause', opts);
}

export function goalCancelCommand(ctx: CliContext, ref: string, opts: { reason?: string; json?: boolean }): Promise<number> {
  return request(ctx, ref, 'cancel', opts);
}

async function request(ctx: CliContext, ref: string, kind: 'pause' | 'cancel', opts: { reason?: string; json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  const control = await controlContext(ctx, paths);
  try {
    const goal = await store.resolveGoal(ref);
    refuseFinished(goal, kind);
    if (kind === 'pause' && goal.status === 'paused') {
      report(ctx, opts.json, { goal_id: goal.id, request: kind, status: 'paused', controller: null, message: `goal ${goal.id} is already paused` });
      return EXIT.ok;
    }
    const by = control.by;
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
    report(ctx, opts.json, { goal_id: goal.id, request: kind, status, controller: live ? { pid: live.pid, host: live.host, heartbeat_at: live.heartbeatAt } : null, message });
    return EXIT.ok;
  } finally {
    await control.host.registry.close();
    await store.close();
  }
}

function refuseFinished(goal: Goal, kind: 'pause' | 'cancel' | 'resume'): void {
  if (goal.status === 'cancelled') {
    throw new OmkError('failed', `goal ${goal.id} was cancelled; cancel is terminal${kind === 'resume' ? ' and a cancelled goal is never run again' : ''}`, {
      hint: 'start a new goal with omk goal run "…"',
    });
  }
  if (kind !== 'resume' && FINISHED.has(goal.status)) {
    throw new OmkError('failed', `goal ${goal.id} already finished (${goal.status}); there is nothing to ${kind}`, { hint: `omk goal status ${goal.id}` });
  }
}

function report(ctx: CliContext, json: boolean | undefined, doc: { goal_id: string; request: string; status: string; controller: unknown; message: string }): void {
  if (json) writeJson(ctx, doc);
  else writeLine(ctx, doc.message);
}

/** `omk goal resume GOAL`: continues a paused or crashed goal to its verdict; exit status as for `run`. */
export async function goalResumeCommand(ctx: CliContext, ref: string, opts: { engine?: string; json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const goal = await store.resolveGoal(ref);
    refuseFinished(goal, 'resume');
    const { rt, control, config } = await goalRuntime(ctx, store, paths, opts.engine ?? (await recordedEngine(store, goal.id)));
    try {
      const result = await resumeGoal(rt, goal.id, control);
      // Delivered as the run that created the goal would have (its recorded --policy / --merge-policy).
      return await (await import('./after-run.js')).finishRun(ctx, { store, paths, result, config, json: opts.json === true });
    } finally {
      await control.host.registry.close();
    }
  } finally {
    await store.close();
  }
}

/**
 * `omk goal execute|verify|review GOAL`: one phase of the loop by hand (execute: the ready tasks until
 * none is left; verify: integration + oracle gates on the combined tree; review: the review wall), under
 * the same controller hold and recovery as resume; the goal is left paused for the next step or
 * `omk goal resume`. Refused, with nothing changed, when the goal is not at that phase.
 */
export async function goalStepCommand(ctx: CliContext, ref: string, only: SingleStep, opts: { engine?: string; json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const goal = await store.resolveGoal(ref);
    refuseFinished(goal, 'resume');
    if (FINISHED.has(goal.status)) {
      throw new OmkError('failed', `goal ${goal.id} already has its verdict (${goal.status}); single steps run on a goal in progress`, { hint: `omk goal proof ${goal.id}` });
    }
    const { rt, control } = await goalRuntime(ctx, store, paths, opts.engine ?? (await recordedEngine(store, goal.id)));
    try {
      const result = await resumeGoal(rt, goal.id, control, only);
      print(ctx, result, paths.goalsDir, opts.json === true, { step: only });
      return result.status === 'paused' ? EXIT.ok : exitForStatus(result.status);
    } finally {
      await control.host.registry.close();
    }
  } finally {
    await store.close();
  }
}

/** The engine the goal's intake recorded, so a resume drives the same one unless told otherwise. */
export async function recordedEngine(store: SqliteStore, goalId: string): Promise<string | undefined> {
  const events = await store.readEvents(goalId);
  const intake = events.find((e) => e.type === 'goal.intake_assessed');
  const engine = (intake?.payload as { engine?: string } | undefined)?.engine;
  return engine && engine !== '(none)' ? engine : undefined;
}
