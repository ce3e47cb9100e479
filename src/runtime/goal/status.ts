import type { StoreTx } from '../../core/store/store.js';
import type { GoalStatus } from '../../core/store/types.js';

/** Changes the goal's status and records `goal.status_changed`, inside the caller's transaction. No-op when unchanged. */
export async function changeStatus(tx: StoreTx, goalId: string, to: GoalStatus, reason?: string): Promise<void> {
  const goal = await tx.getGoal(goalId);
  if (goal?.status === to) return;
  const before = await tx.updateGoalStatus(goalId, to);
  await tx.appendEvent(goalId, 'goal.status_changed', { from: before.status, to, ...(reason ? { reason } : {}) });
}
