import { currentGraph } from '../../core/goal/controller/graph-view.js';
import { proposalsFromMessage } from '../../core/goal/proposals/index.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import type { StoreTx } from '../../core/store/store.js';

/**
 * Follow-up tasks an agent proposed in its final message (`OMK_TASK_PROPOSAL: {…}`), taken only from an
 * attempt that passed its gates. Validated like the plan against the graph as it stands in this
 * transaction (so two agents finishing at once cannot both add `docs-update`): accepted ones become
 * tasks (`task.added`, source `proposal`), rejected ones are recorded with every reason
 * (`task.proposal_rejected`). Returns the accepted ids.
 */
export async function acceptProposals(
  tx: StoreTx,
  goalId: string,
  by: { taskId: string; attempt: number },
  text: string,
  graph: TaskGraph,
  knownGates: readonly string[],
): Promise<string[]> {
  if (!text.includes('OMK_TASK_PROPOSAL')) return [];
  const log = await tx.goalLog(goalId);
  const statuses = new Map((await tx.listTasks(goalId)).map((t) => [t.id, t.status] as const));
  const outcome = proposalsFromMessage(text, currentGraph(graph, log), { statuses, knownGates });
  for (const task of outcome.accepted) {
    await tx.createTask({ goalId, id: task.id, title: task.title });
    await tx.appendEvent(goalId, 'task.added', { task, source: 'proposal', fixes: null, start_sha: null, merge_from: null, reason: `proposed by ${by.taskId} (attempt ${by.attempt})` });
  }
  for (const r of outcome.rejected) {
    await tx.appendEvent(goalId, 'task.proposal_rejected', { by_task: by.taskId, attempt: by.attempt, proposal_id: r.id ?? null, problems: r.problems.map((p) => p.message) });
  }
  if (outcome.malformed.length > 0) {
    await tx.appendEvent(goalId, 'task.proposal_rejected', { by_task: by.taskId, attempt: by.attempt, proposal_id: null, problems: outcome.malformed.map((p) => p.message) });
  }
  return outcome.accepted.map((t) => t.id);
}
