import path from 'node:path';
import type { Lease } from '../../core/store/types.js';
import { taskBranchName, taskWorktreeDir } from '../git/index.js';
import { stopProcessesUnder } from '../process/stop-leftovers.js';
import type { GoalScope } from './context.js';
import { ownerIsGone } from './owner.js';
import { recoverWorktree, takeOverLease } from './recover.js';

/**
 * Takes back the tasks of holders that died on this machine (a killed `omk worker`, a crashed
 * controller) and of leases past their expiry. For a dead holder, first — while its lease still keeps
 * everyone else out — the processes it left in the task's worktree (a gate, an agent ignoring its
 * closed stdin) are stopped and the worktree is reset to where its attempt started, what that discards
 * recorded (`worktree.recovered`); then, if the lease is still that holder's, the task goes back to
 * `queued` with `task.lease_expired` and the attempt is recorded as interrupted (never counted against
 * max_retries). An expired lease is re-queued the same way; its worktree is reset by the next attempt.
 * A holder that is alive, or on another host and not expired, keeps its lease; should it come back,
 * its late writes are refused by the fencing token. Returns the task ids taken back.
 */
export async function reclaimDeadLeases(scope: GoalScope, isGone: (owner: string) => boolean = ownerIsGone): Promise<string[]> {
  const { rt, goalId } = scope;
  const dead: Lease[] = [];
  let expired = false;
  for (const task of await rt.store.listTasks(goalId)) {
    if (task.status !== 'leased') continue;
    const lease = await rt.store.getLease({ goalId, taskId: task.id });
    if (!lease) continue;
    if (Date.parse(lease.expiresAt) <= rt.now().getTime()) expired = true;
    else if (lease.owner !== rt.owner && isGone(lease.owner)) dead.push(lease);
  }
  // Called on every scheduling step: no write transaction unless there is something to take back.
  if (dead.length === 0 && !expired) return [];
  if (dead.length > 0) {
    const log = await rt.store.goalLog(goalId);
    for (const lease of dead) {
      const dir = path.join(rt.worktreesRoot, taskWorktreeDir(goalId, lease.taskId));
      stopProcessesUnder(dir);
      const running = log.tasks.get(lease.taskId)?.running;
      await recoverWorktree(scope, { id: lease.taskId, dir, branch: taskBranchName(goalId, lease.taskId), resetTo: running?.startSha, baseSha: undefined, attempt: running?.attempt ?? 1 });
    }
  }
  const taken = await rt.store.transaction(async (tx) => {
    const ids: string[] = [];
    for (const lease of await tx.expireLeases()) if (lease.goalId === goalId) ids.push(lease.taskId);
    for (const lease of dead) {
      const now = await tx.getLease({ goalId, taskId: lease.taskId });
      if (!now || now.owner !== lease.owner || now.token !== lease.token) continue;
      await takeOverLease(tx, now, 'queued', rt.now());
      ids.push(lease.taskId);
    }
    if (ids.length === 0) return ids;
    const log = await tx.goalLog(goalId);
    for (const id of ids) {
      const running = log.tasks.get(id)?.running;
      if (!running) continue;
      await tx.appendEvent(goalId, 'task.attempt_interrupted', {
        task_id: id,
        attempt: running.attempt,
        round: running.round,
        reason: 'its worker stopped during the attempt (killed, crashed, or its lease expired); not counted against max_retries',
      });
    }
    return ids;
  });
  for (const id of taken) rt.progress(`task ${id}: its worker is gone; re-queued`);
  return taken;
}
