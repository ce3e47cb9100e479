import path from 'node:path';
import { sha256Hex } from '../../core/events/envelope.js';
import { currentGraph } from '../../core/goal/controller/graph-view.js';
import { parseTaskGraphJson } from '../../core/goal/task-graph/schema.js';
import type { GoalView } from '../../core/goal/view/goal-view.js';
import { goalDir, readTextIfExists } from '../../runtime/goal/goal-dir.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';
import { viewOf } from './read.js';

/** `show --json`: the goal's view plus the plan's tasks in full and every attempt (docs/goal-view.md "show"). */
export interface GoalDetails extends GoalView {
  /** Tasks as planned (task-graph.json, checked against the plan's recorded digest) plus those added since. */
  plan_tasks: Array<{ id: string; title: string; role: string; depends_on: string[]; write_set: string[]; acceptance: string[]; gates: string[]; max_retries: number }>;
  /** Null when task-graph.json is missing or differs from the digest `goal.planned` recorded. */
  plan_file: { path: string; matches_plan: boolean } | null;
  attempts: Array<{
    task_id: string;
    attempt: number;
    round: number;
    outcome: string;
    commit: string | null;
    changed_files: string[];
    rejected_files: string[];
    gate_runs: string[];
    feedback: string;
  }>;
}

export function goalShow(ctx: AppContext, ref: string): Promise<GoalDetails> {
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    const [view, log] = await Promise.all([viewOf(ctx, store, paths, goal), store.goalLog(goal.id)]);
    const dir = goalDir(paths.goalsDir, goal.id);
    const text = await readTextIfExists(dir.taskGraph);
    const parsed = text === undefined ? undefined : parseTaskGraphJson(text);
    const graph = parsed?.ok ? currentGraph(parsed.value, log) : undefined;
    return {
      ...view,
      plan_tasks: (graph?.tasks ?? []).map((t) => ({ id: t.id, title: t.title, role: t.role, depends_on: t.depends_on, write_set: t.write_set, acceptance: t.acceptance, gates: t.gates, max_retries: t.max_retries })),
      plan_file: text === undefined ? null : { path: path.relative(paths.repoRoot, dir.taskGraph), matches_plan: log.plan !== undefined && sha256Hex(text) === log.plan.graph_sha256 },
      attempts: [...log.tasks.values()].flatMap((t) =>
        t.attempts.map((a) => ({
          task_id: a.task_id,
          attempt: a.attempt,
          round: a.round,
          outcome: a.outcome,
          commit: a.commit,
          changed_files: a.changed_files,
          rejected_files: a.rejected_files,
          gate_runs: a.gate_runs,
          feedback: a.feedback,
        })),
      ),
    };
  });
}
