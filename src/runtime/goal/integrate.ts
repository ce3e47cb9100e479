import { OmkError } from '../../core/errors.js';
import type { GoalLog, IntakeFacts } from '../../core/goal/controller/goal-log.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import type { TaskStatus } from '../../core/store/types.js';
import { headSha, mergeBranch, resolveCommit, taskBranchName, treeOf } from '../git/index.js';
import type { GoalScope } from './context.js';
import { gitContext, record } from './context.js';
import { runScopedGates } from './gate-runs.js';
import { changeStatus } from './status.js';
import { openIntegrationWorktree } from './worktrees.js';

/** Baseline: the oracle's gates on the pinned base commit, before any agent runs. Failures there are evidence, not a stop. */
export async function runBaseline(scope: GoalScope, intake: IntakeFacts): Promise<void> {
  const { rt } = scope;
  const wt = await openIntegrationWorktree(scope, intake.base_sha);
  const tree = await treeOf(gitContext(rt), intake.base_sha);
  const specs = oracleSpecs(scope, intake);
  rt.progress(`baseline: ${specs.length} oracle gate(s) on base ${intake.base_sha.slice(0, 12)}`);
  const runs = await runScopedGates(scope, specs, { root: wt.path, treeSha: tree, scope: 'baseline', taskId: null });
  throwIfInterrupted(scope);
  await rt.store.transaction(async (tx) => {
    await changeStatus(tx, scope.goalId, 'running');
    await tx.appendEvent(scope.goalId, 'baseline.completed', {
      base_sha: intake.base_sha,
      tree_sha: tree,
      passed: runs.filter((r) => r.passed).map((r) => r.name),
      failed: runs.filter((r) => !r.passed).map((r) => r.name),
    });
  });
}

/**
 * One integration pass: every done task's branch merges onto `omk/<goal>/integration` in dependency
 * order (already merged ones are no-ops), conflicts are recorded as data, then the oracle's gates run on
 * the integrated tree and its head is recorded.
 */
export async function runIntegration(scope: GoalScope, graph: TaskGraph, intake: IntakeFacts, log: GoalLog, statuses: ReadonlyMap<string, TaskStatus>): Promise<void> {
  const { rt, goalId } = scope;
  const wt = await openIntegrationWorktree(scope, intake.base_sha);
  const git = gitContext(rt, wt.path);
  const merged: string[] = [];
  for (const id of dependencyOrder(graph)) {
    if (statuses.get(id) !== 'done') continue;
    const source = taskBranchName(goalId, id);
    const sourceSha = await resolveCommit(git, source);
    const result = await mergeBranch(git, { source, into: wt.branch, message: `omk: integrate ${id}` });
    if (!result.merged) {
      await record(scope, 'integration.conflicted', { task_id: id, paths: result.conflicts.map((c) => c.path) });
      rt.progress(`integration: ${id} conflicts on ${result.conflicts.map((c) => c.path).join(', ')}`);
      continue;
    }
    merged.push(id);
    if (!result.alreadyUpToDate) {
      await record(scope, 'integration.merged', { task_id: id, source_sha: sourceSha, head_sha: result.sha });
      rt.progress(`integration: merged ${id} -> ${result.sha.slice(0, 12)}`);
    }
  }
  const head = await headSha(git);
  const tree = await treeOf(git, head);
  await runScopedGates(scope, oracleSpecs(scope, intake), { root: wt.path, treeSha: tree, scope: 'integration', taskId: null });
  throwIfInterrupted(scope);
  await record(scope, 'integration.completed', { round: log.round, branch: wt.branch, head_sha: head, head_tree: tree, merged });
}

/** A step stopped by pause, cancel or Ctrl-C records no completion: the resumed controller runs it again. */
function throwIfInterrupted(scope: GoalScope): void {
  if (scope.rt.signal.aborted) throw new OmkError('interrupted', 'interrupted');
}

function oracleSpecs(scope: GoalScope, intake: IntakeFacts) {
  return intake.oracle.gates.map((n) => scope.rt.gates.find((g) => g.name === n)).filter((g) => g !== undefined);
}

/** Graph order, each task after the tasks it depends on (stable). */
export function dependencyOrder(graph: TaskGraph): string[] {
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of byId.get(id)?.depends_on ?? []) visit(dep);
    out.push(id);
  };
  for (const t of graph.tasks) visit(t.id);
  return out;
}
