import type { TaskGraph } from '../task-graph/schema.js';
import type { GoalLog } from './goal-log.js';

/**
 * The goal's task graph as it stands: the planned graph (task-graph.json) plus the tasks added since
 * (`task.added`: fix tasks from the integration train, accepted proposals), in the order they were added.
 */
export function currentGraph(planned: TaskGraph, log: Pick<GoalLog, 'added'>): TaskGraph {
  if (log.added.length === 0) return planned;
  const known = new Set(planned.tasks.map((t) => t.id));
  const added = log.added.map((a) => a.task).filter((t) => !known.has(t.id));
  return { ...planned, tasks: [...planned.tasks, ...added] };
}

/** Where a task's worktree starts, and what is merged into it first (fix tasks); planned tasks start at the base. */
export function taskStart(log: Pick<GoalLog, 'added'>, taskId: string, baseSha: string): { startSha: string; mergeFrom: string | null } {
  const added = log.added.find((a) => a.task.id === taskId);
  return { startSha: added?.start_sha ?? baseSha, mergeFrom: added?.merge_from ?? null };
}

/** The fix tasks created for a slice, oldest first. */
export function fixTasksFor(log: Pick<GoalLog, 'added'>, sliceId: string): string[] {
  return log.added.filter((a) => a.fixes === sliceId).map((a) => a.task.id);
}
