import { appendTurnCost } from '../cost/ledger.js';
import type { BudgetTicket } from './budget.js';
import type { GoalScope } from './context.js';
import type { AgentTurnOutcome } from './engine-port.js';

/**
 * One ledger row and one `cost.recorded` event per agent turn, in one transaction. With the turn's budget
 * reservation, its `budget.released` goes in the same transaction: the spend replaces the hold at once,
 * so no other worker's admission ever sees both (or neither).
 */
export async function recordTurnCost(scope: GoalScope, source: string, outcome: AgentTurnOutcome, taskId?: string, reservation?: Pick<BudgetTicket, 'id' | 'taskId'>): Promise<void> {
  if (!outcome.started || !scope.rt.engine) return;
  const engine = scope.rt.engine.name;
  await scope.rt.store.transaction(async (tx) => {
    const row = await appendTurnCost(tx, {
      goalId: scope.goalId,
      ...(taskId ? { taskId } : {}),
      engine,
      model: outcome.model,
      turn: { usage: outcome.usage, costUsd: outcome.costUsd },
    });
    await tx.appendEvent(scope.goalId, 'cost.recorded', { source, tokens_in: row.tokensIn, tokens_out: row.tokensOut, usd: row.usd, ...(taskId ? { task_id: taskId } : {}) });
    if (reservation) await tx.appendEvent(scope.goalId, 'budget.released', { reservation_id: reservation.id, task_id: reservation.taskId, reason: 'settled' });
  });
}
