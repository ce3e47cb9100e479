import { OmkError } from '../../core/errors.js';
import { isResumable } from '../../core/goal/status.js';
import { recordedTeamSpec, type TeamSpec } from '../../core/goal/team.js';
import { singleStepAction, type SingleStep } from '../../core/goal/controller/single-step.js';
import { decideNextStep } from '../../core/goal/controller/next-step.js';
import type { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { ensureOmkExcluded } from '../config/git-exclude.js';
import { scopeOf, type GoalRuntime } from './context.js';
import { claimController, driveControlled, goalGraph, type ControlContext, type GoalRunResult } from './driver.js';
import { readTextIfExists } from './goal-dir.js';
import { recoverGoal } from './recover.js';
import { changeStatus } from './status.js';
import { stopProcessesUnder } from '../process/stop-leftovers.js';
import { refComponent } from '../git/index.js';
import path from 'node:path';


/**
 * `omk goal resume GOAL`, after a pause or a crash: refuses a cancelled goal and a goal whose controller
 * is alive; otherwise takes charge, recovers (goal directory, leases of the dead controller, the
 * interrupted attempt, worktrees), records `goal.resumed`, and drives the goal from its event log to the verdict.
 */
export async function resumeGoal(rt: GoalRuntime, goalId: string, control: ControlContext, only?: SingleStep): Promise<GoalRunResult> {
  const goal = await rt.store.getGoal(goalId);
  if (!goal) throw new OmkError('not_found', `no goal ${goalId}`);
  const before = await rt.store.goalLog(goalId);
  if (goal.status === 'cancelled' || before.cancelled) {
    throw new OmkError('failed', `goal ${goalId} was cancelled (${before.cancelled?.reason ?? 'cancelled'}); cancel is terminal and a cancelled goal is never run again`, {
      hint: 'start a new goal with omk goal run "…"',
    });
  }
  await ensureOmkExcluded(rt.repoRoot, rt.env);
  const scope = scopeOf(rt, goalId);
  if (only) await refuseStepOutOfOrder(scope, before, only);
  const previous = await claimController(scope, control);
  rt.progress(`goal ${goalId}: resuming (${goal.status})${previous ? `; the controller pid ${previous.pid} on ${previous.host} is gone` : ''}`);
  if (previous) {
    // A controller killed outright could not stop its gates and agents; they must not race the resume.
    const leftovers = stopProcessesUnder(path.join(rt.worktreesRoot, refComponent(goalId)));
    if (leftovers.length > 0) rt.progress(`recovery: stopped ${leftovers.length} process(es) the crashed controller left running`);
  }
  // Recovery reads the log again: a live worker may have finished a task since `before` was read.
  for (const note of await recoverGoal(scope)) rt.progress(`recovery: ${note}`);

  const options = await recordedOptions(scope.dir.goalJson);
  const req = {
    request: before.prompt ?? goal.prompt,
    maxAgents: before.intake?.max_agents ?? options.maxAgents,
    untilReady: before.intake?.until_ready ?? options.untilReady,
    ...(only ? { only } : {}),
    ...(options.gates ? { gates: options.gates } : {}),
    // A team run stays one: an intake run by the resume asks no question, and planning decomposes.
    ...(options.team ? { team: options.team } : {}),
    // Kept so that an intake run by the resume records them again in goal.json.
    ...(options.policy && options.mergePolicy ? { delivery: { policy: options.policy, mergePolicy: options.mergePolicy } } : {}),
  };
  return driveControlled(scope, req, control, async (tx) => {
    // A verdict status stays (the controller finishes at once); the others run again.
    if (isResumable(goal.status)) await changeStatus(tx, goalId, 'running', `resumed by ${control.by}`);
    await tx.appendEvent(goalId, 'goal.resumed', { by: control.by, ...(previous ? { crashed_controller: `${previous.owner} (pid ${previous.pid} on ${previous.host})` } : {}) });
    await tx.appendEvent(goalId, 'goal.controller_started', { owner: rt.owner, pid: control.host.pid, host: control.host.host, resumed: true });
  });
}

/** The run's options as goal.json recorded them (needed when the controller stopped before intake, and for delivery). */
export async function recordedOptions(file: string): Promise<RecordedOptions> {
  const fallback = { maxAgents: 1, untilReady: false, gates: undefined, policy: undefined, mergePolicy: undefined, team: undefined };
  try {
    const doc = JSON.parse((await readTextIfExists(file)) ?? '{}') as {
      options?: {
        max_agents?: number;
        until_ready?: boolean;
        gates?: string[] | null;
        policy?: string | null;
        merge_policy?: string | null;
        team?: unknown;
      };
    };
    const o = doc.options;
    return {
      maxAgents: o?.max_agents ?? 1,
      untilReady: o?.until_ready ?? false,
      gates: o?.gates ?? undefined,
      policy: o?.policy ?? undefined,
      mergePolicy: o?.merge_policy ?? undefined,
      team: recordedTeamSpec(o?.team),
    };
  } catch {
    return fallback;
  }
}

export interface RecordedOptions {
  maxAgents: number;
  untilReady: boolean;
  gates: string[] | undefined;
  /** `--policy` / `--merge-policy` as the run resolved them; undefined for a goal recorded before they were. */
  policy: string | undefined;
  mergePolicy: string | undefined;
  /** `omk team run N:ROLE`; undefined for a plain goal (and for one recorded before team runs existed). */
  team: TeamSpec | undefined;
}


/** A single step the goal is not ready for is refused before anything changes (no claim, no status change). */
async function refuseStepOutOfOrder(scope: ReturnType<typeof scopeOf>, log: ReturnType<typeof foldGoalLog>, only: SingleStep): Promise<void> {
  const graph = log.plan ? await goalGraph(scope, log) : undefined;
  const statuses = new Map((await scope.rt.store.listTasks(scope.goalId)).map((t) => [t.id, t.status] as const));
  const options = { maxAgents: log.intake?.max_agents ?? 1, untilReady: false, maxRounds: 1 };
  const action = singleStepAction(only, decideNextStep(log, graph, statuses, options), 0, { planned: graph !== undefined, integrated: log.integration !== undefined });
  if (action.kind === 'refuse') throw new OmkError('failed', `omk goal ${only}: ${action.reason}`, { hint: `omk goal status ${scope.goalId}` });
}
