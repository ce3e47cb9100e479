import { OmkError } from '../../core/errors.js';
import type { GoalLog, IntakeFacts } from '../../core/goal/controller/goal-log.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import type { TaskStatus } from '../../core/store/types.js';
import { combinedFailureFixTask, conflictFixTask, firstFailingPrefix, mayGetFixTask } from '../../core/goal/integration/fix-task.js';
import { fixTasksFor } from '../../core/goal/controller/graph-view.js';
import type { Task } from '../../core/goal/task-graph/schema.js';
import type { GateRun } from '../../core/proof/evidence.js';
import { changedBetween, headSha, isAncestor, mergeBase, mergeBranch, resetHard, resolveCommit, taskBranchName, treeOf, type GitContext } from '../git/index.js';
import type { GoalScope } from './context.js';
import { gitContext, record } from './context.js';
import { gateOutputTail, runScopedGates } from './gate-runs.js';
import { changeStatus } from './status.js';
import { openBisectWorktree } from './bisect-worktree.js';
import { recoverWorktree } from './recover.js';
import { openIntegrationWorktree } from './worktrees.js';

/** Baseline: the oracle's gates on the pinned base commit, before any agent runs. Failures there are evidence, not a stop. */
export async function runBaseline(scope: GoalScope, intake: IntakeFacts): Promise<void> {
  const { rt } = scope;
  const wt = await openIntegrationWorktree(scope, intake.base_sha);
  // Its failed bootstrap is recorded (worktree.bootstrapped) and blocks the goal: no gate runs in it.
  if (wt.bootstrap?.ok === false) return;
  await backToHead(scope, wt, intake);
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
 * One pass of the integration train: every done task's branch merges onto `omk/<goal>/integration` in
 * dependency order (already merged ones are no-ops), then the oracle's gates run on the combined tree.
 * A conflict, or a combined failure (slices green alone, red together) bisected to the slice that
 * causes it, becomes a fix task (`task.added`) and the pass ends without `integration.completed`: the
 * fix task runs, and the next pass merges it. What cannot get a fix task stays a gap in the proof.
 */
export async function runIntegration(scope: GoalScope, graph: TaskGraph, intake: IntakeFacts, log: GoalLog, statuses: ReadonlyMap<string, TaskStatus>): Promise<'completed' | 'fix_added' | 'blocked'> {
  const { rt, goalId } = scope;
  const wt = await openIntegrationWorktree(scope, intake.base_sha);
  if (wt.bootstrap?.ok === false) return 'blocked';
  // What the last pass's gates left (reports, caches) would make every merge refuse.
  await backToHead(scope, wt, intake);
  const git = gitContext(rt, wt.path);
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const merged: string[] = [];
  // A slice whose conflict a fix task carries is merged by that fix task (it merged the slice in).
  const carried: string[] = [];
  for (const id of integrationOrder(graph, log)) {
    if (statuses.get(id) !== 'done') continue;
    if (log.added.some((a) => a.fixes === id && a.source === 'integration_conflict')) {
      carried.push(id);
      continue;
    }
    const source = taskBranchName(goalId, id);
    const sourceSha = await resolveCommit(git, source);
    const result = await mergeBranch(git, { source, into: wt.branch, message: `omk: integrate ${id}` });
    if (!result.merged) {
      const paths = result.conflicts.map((c) => c.path);
      await record(scope, 'integration.conflicted', { task_id: id, paths });
      rt.progress(`integration: ${id} conflicts on ${paths.join(', ')}`);
      const slice = byId.get(id)!;
      const n = fixTasksFor(log, id).length;
      if (mayGetFixTask(id, n, isFixTask(log, id))) {
        const changed = await changedByMerge(git, result.head, sourceSha);
        const fix = conflictFixTask(slice, n + 1, { paths, changed, mergedBefore: merged, gates: intake.oracle.gates });
        await addFixTask(scope, fix, { source: 'integration_conflict', fixes: id, startSha: result.head, mergeFrom: sourceSha, reason: `merging ${id} conflicts on ${paths.join(', ')}` });
        return 'fix_added';
      }
      continue;
    }
    merged.push(id);
    if (!result.alreadyUpToDate) {
      await record(scope, 'integration.merged', { task_id: id, source_sha: sourceSha, head_sha: result.sha });
      rt.progress(`integration: merged ${id} -> ${result.sha.slice(0, 12)}`);
    }
  }
  const head = await headSha(git);
  for (const id of carried) if (await isAncestor(git, taskBranchName(goalId, id), head)) merged.push(id);
  const tree = await treeOf(git, head);
  const runs = await runScopedGates(scope, oracleSpecs(scope, intake), { root: wt.path, treeSha: tree, scope: 'integration', taskId: null });
  throwIfInterrupted(scope);
  // A gate that already failed on the base is a pre-existing failure (the proof reports it), not one
  // the slices cause together: bisecting it would blame the first slice.
  const preexisting = new Set(log.baseline?.failed ?? []);
  const failing = runs.filter((r) => r.required && !r.passed && r.infra_error === null && !preexisting.has(r.name));
  const slices = merged.filter((id) => !carried.includes(id));
  if (failing.length > 0 && slices.length >= 2) {
    const fix = await bisectCombinedFailure(scope, { graph, intake, log, slices, failing });
    if (fix) return 'fix_added';
  }
  await record(scope, 'integration.completed', { round: log.round, branch: wt.branch, head_sha: head, head_tree: tree, merged });
  return 'completed';
}

/**
 * Slices green alone, red together: re-merges growing prefixes of the merge order in a scratch
 * worktree (`omk/<goal>/bisect`) and re-runs the failing gates, halving the range each time, to find
 * the slice whose merge makes the tree fail. Records `integration.bisected`; adds a fix task for that
 * slice when it may get one. Returns whether a fix task was added.
 */
async function bisectCombinedFailure(
  scope: GoalScope,
  c: { graph: TaskGraph; intake: IntakeFacts; log: GoalLog; slices: string[]; failing: GateRun[] },
): Promise<boolean> {
  const { rt, goalId } = scope;
  const specs = oracleSpecs(scope, c.intake).filter((g) => c.failing.some((f) => f.name === g.name));
  const scratch = await openBisectWorktree(scope, c.intake.base_sha);
  if (scratch.bootstrap?.ok === false) return false;
  const git = gitContext(rt, scratch.path);
  const runIds: string[] = [];
  rt.progress(`integration: ${c.failing.map((f) => f.name).join(', ')} fail on the combined tree; bisecting over ${c.slices.length} slices`);
  const k = await firstFailingPrefix(c.slices.length, async (prefix) => {
    await resetHard(git, { to: c.intake.base_sha });
    for (const id of c.slices.slice(0, prefix)) {
      const result = await mergeBranch(git, { source: taskBranchName(goalId, id), into: scratch.branch, message: `omk: bisect ${id}` });
      if (!result.merged) throw new OmkError('failed', `bisect: ${id} conflicts in the scratch worktree although it merged onto the integration branch`);
    }
    const runs = await runScopedGates(scope, specs, { root: scratch.path, treeSha: await treeOf(git, await headSha(git)), scope: 'bisect', taskId: null });
    throwIfInterrupted(scope);
    runIds.push(...runs.map((r) => r.run_id));
    return runs.some((r) => r.required && !r.passed);
  });
  // Leave nothing on the scratch branch that no other ref holds (cleanup may then remove it).
  await resetHard(git, { to: c.intake.base_sha });
  const responsible = c.slices[k - 1]!;
  const togetherWith = c.slices.slice(0, k - 1);
  await record(scope, 'integration.bisected', { round: c.log.round, gates: specs.map((g) => g.name), slices: c.slices, responsible, together_with: togetherWith, runs: runIds });
  rt.progress(`integration: the combined failure starts with ${responsible}${togetherWith.length > 0 ? ` (on top of ${togetherWith.join(', ')})` : ''}`);
  const n = fixTasksFor(c.log, responsible).length;
  if (!mayGetFixTask(responsible, n, isFixTask(c.log, responsible))) return false;
  const byId = new Map(c.graph.tasks.map((t) => [t.id, t]));
  const failing = await Promise.all(c.failing.map(async (r) => ({ gate: r.name, command: r.command, exitCode: r.exit_code, output: await gateOutputTail(scope, r) })));
  const fix = combinedFailureFixTask({ responsible: byId.get(responsible)!, togetherWith: togetherWith.map((id) => byId.get(id)!), failing, gates: c.intake.oracle.gates }, n + 1);
  const head = await headSha(gitContext(rt, (await openIntegrationWorktree(scope, c.intake.base_sha)).path));
  await addFixTask(scope, fix, { source: 'combined_failure', fixes: responsible, startSha: head, mergeFrom: null, reason: `${c.failing.map((f) => f.name).join(', ')} fail from the merge of ${responsible}` });
  return true;
}

async function addFixTask(scope: GoalScope, task: Task, how: { source: 'integration_conflict' | 'combined_failure'; fixes: string; startSha: string; mergeFrom: string | null; reason: string }): Promise<void> {
  await record(scope, 'task.added', { task, source: how.source, fixes: how.fixes, start_sha: how.startSha, merge_from: how.mergeFrom, reason: how.reason }, (tx) =>
    tx.createTask({ goalId: scope.goalId, id: task.id, title: task.title }),
  );
  scope.rt.progress(`integration: added fix task ${task.id}: ${how.reason}`);
}

function isFixTask(log: GoalLog, id: string): boolean {
  return log.added.some((a) => a.task.id === id && a.source !== 'proposal');
}

/** A step stopped by pause, cancel or Ctrl-C records no completion: the resumed controller runs it again. */
function throwIfInterrupted(scope: GoalScope): void {
  if (scope.rt.signal.aborted) throw new OmkError('interrupted', 'interrupted');
}

function oracleSpecs(scope: GoalScope, intake: IntakeFacts) {
  return intake.oracle.gates.map((n) => scope.rt.gates.find((g) => g.name === n)).filter((g) => g !== undefined);
}

/** Brings the integration worktree back to its HEAD, recording anything it discards (`worktree.recovered`). */
async function backToHead(scope: GoalScope, wt: { path: string; branch: string }, intake: IntakeFacts): Promise<void> {
  const note = await recoverWorktree(scope, { id: 'integration', dir: wt.path, branch: wt.branch, resetTo: undefined, baseSha: intake.base_sha, attempt: 1 });
  if (note) scope.rt.progress(`integration: ${note}`);
}

/** Every path merging `source` onto `head` changes: the source's changes since their merge base. */
export async function changedByMerge(git: GitContext, head: string, source: string): Promise<string[]> {
  const base = await mergeBase(git, head, source);
  if (base === undefined) return [];
  return [...new Set((await changedBetween(git, base, source)).flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])))];
}

/**
 * The order the train merges in: dependency order, with each conflict fix task right after the slice it
 * carries — before that slice's dependents, whose branches hold the slice's conflicting change and merge
 * cleanly only once the fix task's resolution is on the integration branch.
 */
export function integrationOrder(graph: TaskGraph, log: GoalLog): string[] {
  const fixesOf = new Map<string, string[]>();
  for (const a of log.added) {
    if (a.source !== 'integration_conflict' || a.fixes === null) continue;
    fixesOf.set(a.fixes, [...(fixesOf.get(a.fixes) ?? []), a.task.id]);
  }
  const placed = new Set([...fixesOf.values()].flat());
  const out: string[] = [];
  const place = (id: string): void => {
    out.push(id);
    for (const fix of fixesOf.get(id) ?? []) if (!out.includes(fix)) place(fix);
  };
  for (const id of dependencyOrder(graph)) if (!placed.has(id)) place(id);
  // A fix task whose slice is not in the graph still merges, last.
  for (const id of placed) if (!out.includes(id)) out.push(id);
  return out;
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
