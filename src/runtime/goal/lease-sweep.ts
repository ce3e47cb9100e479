import path from 'node:path';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { taskBranchName, taskWorktreeDir } from '../git/index.js';
import type { GoalScope } from './context.js';
import { ownerIsGone } from './owner.js';
import { recoverWorktree, takeOverLease } from './recover.js';

/**
 * Takes back the leases of holders that died on this machine (a killed `omk worker`, a crashed
 * controller) and any lease past its expiry: each task goes back to `queued` with `task.lease_expired`,
 * the attempt its holder was running is recorded as interrupted (never counted against max_retries),
 * and its worktree is reset to where that attempt started, what it discards recorded first. A holder
 * that is alive, or on another host and not expired, keeps its lease; should it come back after
 * losing it, its late writes are refused by the fencing token. Returns the task ids taken back.
 */
export async function reclaimDeadLeases(scope: GoalScope, isGone: (owner: string) => boolean = ownerIsGone): Promise<string[]> {
  const { rt, goalId } = scope;
  const recovered = await rt.store.transaction(async (tx) => {
    const taken: string[] = [];
    for (const lease of await tx.expireLeases()) if (lease.goalId === goalId) taken.push(lease.taskId);
    for (const task of await tx.listTasks(goalId)) {
      if (task.status !== 'leased') continue;
      const lease = await tx.getLease({ goalId, taskId: task.id });
      if (!lease || lease.owner === rt.owner || !isGone(lease.owner)) continue;
      await takeOverLease(tx, lease, 'queued', rt.now());
      taken.push(task.id);
    }
    if (taken.length === 0) return [];
    const log = foldGoalLog(await tx.readEvents(goalId));
    const out: Array<{ id: string; startSha: string | undefined; attempt: number }> = [];
    for (const id of taken) {
      const t = log.tasks.get(id);
      if (t?.running) {
        await tx.appendEvent(goalId, 'task.attempt_interrupted', {
          task_id: id,
          attempt: t.running.attempt,
          round: t.running.round,
          reason: 'its worker stopped during the attempt (killed, crashed, or its lease expired); not counted against max_retries',
        });
      }
      out.push({ id, startSha: t?.running?.startSha, attempt: t?.started ?? 1 });
    }
    return out;
  });
  for (const t of recovered) {
    rt.progress(`task ${t.id}: its worker is gone; re-queued`);
    const dir = path.join(rt.worktreesRoot, taskWorktreeDir(goalId, t.id));
    await recoverWorktree(scope, { id: t.id, dir, branch: taskBranchName(goalId, t.id), resetTo: t.startSha, baseSha: undefined, attempt: t.attempt });
  }
  return recovered.map((t) => t.id);
}
