import { OmkError } from '../../core/errors.js';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { ensureOmkExcluded } from '../config/git-exclude.js';
import { scopeOf, type GoalRuntime } from './context.js';
import { claimController, driveControlled, type ControlContext, type GoalRunResult } from './driver.js';
import { readTextIfExists } from './goal-dir.js';
import { recoverGoal } from './recover.js';
import { changeStatus } from './status.js';
import { stopProcessesUnder } from '../process/stop-leftovers.js';
import { refComponent } from '../git/index.js';
import path from 'node:path';

/** Statuses a resumed controller turns back into `running`; a verdict status stays (the controller finishes at once). */
const RESUMABLE = new Set(['created', 'planning', 'running', 'paused']);

/**
 * `omk goal resume GOAL`, after a pause or a crash: refuses a cancelled goal and a goal whose controller
 * is alive; otherwise takes charge, recovers (goal directory, leases of the dead controller, the
 * interrupted attempt, worktrees), records `goal.resumed`, and drives the goal from its event log to the verdict.
 */
export async function resumeGoal(rt: GoalRuntime, goalId: string, control: ControlContext): Promise<GoalRunResult> {
  const goal = await rt.store.getGoal(goalId);
  if (!goal) throw new OmkError('not_found', `no goal ${goalId}`);
  const before = foldGoalLog(await rt.store.readEvents(goalId));
  if (goal.status === 'cancelled' || before.cancelled) {
    throw new OmkError('failed', `goal ${goalId} was cancelled (${before.cancelled?.reason ?? 'cancelled'}); cancel is terminal and a cancelled goal is never run again`, {
      hint: 'start a new goal with omk goal run "…"',
    });
  }
  await ensureOmkExcluded(rt.repoRoot, rt.env);
  const scope = scopeOf(rt, goalId);
  const previous = await claimController(scope, control);
  rt.progress(`goal ${goalId}: resuming (${goal.status})${previous ? `; the controller pid ${previous.pid} on ${previous.host} is gone` : ''}`);
  if (previous) {
    // A controller killed outright could not stop its gates and agents; they must not race the resume.
    const leftovers = stopProcessesUnder(path.join(rt.worktreesRoot, refComponent(goalId)));
    if (leftovers.length > 0) rt.progress(`recovery: stopped ${leftovers.length} process(es) the crashed controller left running`);
  }
  for (const note of await recoverGoal(scope, before)) rt.progress(`recovery: ${note}`);

  const options = await recordedOptions(scope.dir.goalJson);
  const req = {
    request: before.prompt ?? goal.prompt,
    maxAgents: before.intake?.max_agents ?? options.maxAgents,
    untilReady: before.intake?.until_ready ?? options.untilReady,
    ...(options.gates ? { gates: options.gates } : {}),
  };
  return driveControlled(scope, req, control, async (tx) => {
    if (RESUMABLE.has(goal.status)) await changeStatus(tx, goalId, 'running', `resumed by ${control.by}`);
    await tx.appendEvent(goalId, 'goal.resumed', { by: control.by, ...(previous ? { crashed_controller: `${previous.owner} (pid ${previous.pid} on ${previous.host})` } : {}) });
    await tx.appendEvent(goalId, 'goal.controller_started', { owner: rt.owner, pid: control.host.pid, host: control.host.host, resumed: true });
  });
}

/** The run's options as goal.json recorded them (needed when the controller stopped before intake). */
async function recordedOptions(file: string): Promise<{ maxAgents: number; untilReady: boolean; gates: string[] | undefined }> {
  const fallback = { maxAgents: 1, untilReady: false, gates: undefined };
  try {
    const doc = JSON.parse((await readTextIfExists(file)) ?? '{}') as { options?: { max_agents?: number; until_ready?: boolean; gates?: string[] | null } };
    return { maxAgents: doc.options?.max_agents ?? 1, untilReady: doc.options?.until_ready ?? false, gates: doc.options?.gates ?? undefined };
  } catch {
    return fallback;
  }
}
