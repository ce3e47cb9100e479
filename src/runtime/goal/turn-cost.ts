import { appendTurnCost } from '../cost/ledger.js';
import type { GoalScope } from './context.js';
import type { AgentTurnOutcome } from './engine-port.js';

/** One ledger row and one `cost.recorded` event per agent turn, in one transaction. */
export async function recordTurnCost(scope: GoalScope, source: string, outcome: AgentTurnOutcome, taskId?: string): Promise<void> {
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
    await tx.appendEvent(scope.goalId, 'cost.recorded', { source, tokens_in: row.tokensIn, tokens_out: row.tokensOut, usd: row.usd });
  });
}
