import path from 'node:path';
import { foldGoalLog, latestProof, type GoalLog, type TaskFacts } from '../../core/goal/controller/goal-log.js';
import type { StoreReader } from '../../core/store/store.js';
import type { Goal, Task } from '../../core/store/types.js';
import { goalDir, readTextIfExists, type GoalDir } from './goal-dir.js';
import { parseTaskGraphJson, type TaskGraph } from '../../core/goal/task-graph/schema.js';
import { currentGraph } from '../../core/goal/controller/graph-view.js';
import { readWorkerViews, type WorkerView } from './worker-beacon.js';
import { readControllerViews, type ControllerView } from './controller-view.js';

/** What `omk goal status|show|list` read: the store's rows plus the goal's folded log. No writes. */
export interface GoalState {
  goal: Goal;
  tasks: Task[];
  log: GoalLog;
  dir: GoalDir;
  graph: TaskGraph | undefined;
  /** Running attempts whose holder still has the task's lease (stale beacons of dead workers left out). */
  workers: WorkerView[];
  /** The goal's controller row and whether it is alive; null when none holds the goal (or it was not read). */
  controller: ControllerView | null;
}

/** `controllers`: read the goal's controller row from this database, judging liveness at `now`. */
export async function readGoalState(
  store: StoreReader,
  goalsDir: string,
  ref: string,
  controllers?: { dbFile: string; now: Date },
): Promise<GoalState> {
  const goal = await store.resolveGoal(ref);
  const [tasks, events] = await Promise.all([store.listTasks(goal.id), store.readEvents(goal.id)]);
  const dir = goalDir(goalsDir, goal.id);
  const text = await readTextIfExists(dir.taskGraph);
  const parsed = text === undefined ? undefined : parseTaskGraphJson(text);
  const log = foldGoalLog(events);
  const owners = new Map<string, string>();
  for (const t of tasks) {
    if (t.status !== 'leased') continue;
    const lease = await store.getLease({ goalId: goal.id, taskId: t.id });
    if (lease) owners.set(t.id, lease.owner);
  }
  const workers = readWorkerViews(dir.root).filter((w) => owners.get(w.task_id) === w.owner);
  const controller = controllers ? ((await readControllerViews(controllers.dbFile, [goal.id], controllers.now)).get(goal.id) ?? null) : null;
  return { goal, tasks, log, dir, graph: parsed?.ok ? currentGraph(parsed.value, log) : undefined, workers, controller };
}

/**
 * A task's progress for `omk goal status`: `leased — attempt 1 running`, `queued — 1 attempt started
 * (1 interrupted)`, `done — 2 attempts started`. Attempts count when started (an interrupted one keeps
 * its number), so the next attempt is always `started + 1`.
 */
export function taskProgress(status: string, facts: TaskFacts | undefined): string {
  const started = facts?.started ?? 0;
  const interrupted = facts?.interrupted ?? 0;
  const extra = interrupted > 0 ? ` (${interrupted} interrupted)` : '';
  if (facts?.running) {
    // A store row no longer leased means the attempt's holder is gone: `resume` recovers it.
    const state = status === 'leased' ? 'running' : 'left unfinished';
    const earlier = started - 1;
    return `${status} — attempt ${facts.running.attempt} ${state}${earlier > 0 ? `, ${earlier} earlier${extra}` : extra}`;
  }
  if (started === 0) return `${status} — no attempt started`;
  return `${status} — ${started} attempt${started === 1 ? '' : 's'} started${extra}`;
}

/** `omk goal status --json` (docs/goals.md). */
export function statusJson(state: GoalState): Record<string, unknown> {
  const { goal, log, tasks } = state;
  const proof = latestProof(log);
  return {
    goal_id: goal.id,
    status: goal.status,
    request: goal.prompt,
    created_at: goal.createdAt,
    updated_at: goal.updatedAt,
    type: log.intake?.type ?? null,
    testable: log.intake?.testable ?? null,
    team: log.intake?.team ?? null,
    question: log.questions[0]?.question ?? null,
    oracle: log.intake?.oracle.gates ?? [],
    base: log.intake ? { ref: log.intake.base_ref, sha: log.intake.base_sha } : null,
    head: log.integration?.head_sha ?? null,
    round: log.round,
    tasks: tasks.map((t) => {
      const facts = log.tasks.get(t.id);
      return {
        id: t.id,
        title: t.title,
        status: t.status,
        attempts: facts?.attempts.length ?? 0,
        started: facts?.started ?? 0,
        interrupted: facts?.interrupted ?? 0,
        running: facts?.running?.attempt ?? null,
      };
    }),
    proof: proof ? { status: proof.status, readiness: proof.readiness, known_gaps: proof.gaps, path: path.join(state.dir.root, proof.path) } : null,
    cost: { turns: log.cost.turns, tokens_in: log.cost.tokensIn, tokens_out: log.cost.tokensOut, usd: log.cost.usd },
    workers: state.workers,
    controller: state.controller,
    events: log.lastSeq,
    goal_dir: state.dir.root,
  };
}

/** `omk goal show --json`: status plus the plan, decisions, attempts, gate runs, integration and review. */
export function showJson(state: GoalState): Record<string, unknown> {
  const { log } = state;
  return {
    ...statusJson(state),
    plan: log.plan
      ? {
          planner: log.plan.planner,
          engine: log.plan.engine ?? null,
          asks: log.plan.asks,
          tasks: (state.graph?.tasks ?? []).map((t) => ({
            id: t.id,
            title: t.title,
            role: t.role,
            depends_on: t.depends_on,
            write_set: t.write_set,
            acceptance: t.acceptance,
            gates: t.gates,
            max_retries: t.max_retries,
          })),
        }
      : null,
    decisions: log.decisions,
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
    gate_runs: log.gateRuns.map((g) => ({ run_id: g.run_id, gate: g.gate, scope: g.scope, task_id: g.task_id, tree_sha: g.tree_sha, passed: g.passed, record: g.record_path })),
    integration: log.integration ? { branch: log.integration.branch, head_sha: log.integration.head_sha, merged: log.integration.merged, conflicts: log.conflicts } : null,
    review: log.review ? { reviewed_sha: log.review.reviewed_sha, sections: log.review.sections, path: log.review.path } : null,
    external_blockers: log.externalBlockers,
    infra_failures: log.infraFailures,
  };
}
