import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OmkError } from '../../core/errors.js';
import { mayContinue } from '../../core/goal/status.js';
import { spawnDetached } from '../../runtime/process/index.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';
import { logTail, omkEntry } from './detach.js';

/** How long a detached resume waits for its controller to take the goal. */
const TAKE_WAIT_MS = 30_000;

export interface DetachedResume {
  goal_id: string;
  pid: number | undefined;
  log: string;
  goal_dir: string;
}

/**
 * `omk goal resume GOAL --json` as a detached child (output appended to the goal's controller.log), for
 * a surface that must not become the controller itself (the dashboard, MCP `goal_resume`: restarting it must not stop the
 * goal). Returns once the child holds the goal's controller row, or throws with the child's output.
 */
export async function resumeDetached(ctx: AppContext, ref: string, opts: { engine?: string } = {}): Promise<DetachedResume> {
  const bin = omkEntry(ctx);
  const { goalId, log, goalDir } = await withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    if (!mayContinue(goal.status)) {
      throw new OmkError('failed', `goal ${goal.id} is ${goal.status}; only a paused, interrupted or budget-extended goal resumes`, { hint: goal.status === 'needs_more_budget' ? `omk goal budget-add ${goal.id}` : `omk goal status ${goal.id}` });
    }
    const goalDir = path.join(paths.goalsDir, goal.id);
    return { goalId: goal.id, goalDir, log: path.join(goalDir, 'controller.log') };
  });
  const child = spawnDetached(process.execPath, [...process.execArgv, bin, 'goal', 'resume', goalId, ...(opts.engine ? [`--engine=${opts.engine}`] : []), '--json'], {
    cwd: ctx.cwd,
    env: { ...ctx.env, OMK_PROGRESS: '1' },
    logFile: log,
  });
  const deadline = Date.now() + TAKE_WAIT_MS;
  for (;;) {
    const holder = await withRepoStore(ctx, 'read', (store) => store.controller(goalId));
    if (holder && holder.pid === child.pid) return { goal_id: goalId, pid: child.pid, log, goal_dir: goalDir };
    const exited = child.exited();
    if (exited || child.pid === undefined) {
      throw new OmkError('failed', `omk goal resume ${goalId} exited before taking the goal (${exited?.signal ?? `exit ${String(exited?.code ?? 'unknown')}`}): ${logTail(log)}`, { hint: `its output: ${log}` });
    }
    if (Date.now() > deadline) throw new OmkError('failed', `omk goal resume ${goalId} (pid ${child.pid}) did not take the goal within ${TAKE_WAIT_MS / 1000}s`, { hint: `its output: ${log}` });
    await sleep(50);
  }
}
