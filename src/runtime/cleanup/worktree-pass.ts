/**
 * The worktree half of cleanup: every worktree carrying omk's ownership marker is judged (stale or
 * in use), then removed only when git's and omk's safety rules both agree nothing is lost.
 */
import { existsSync } from 'node:fs';
import { markerPath, removeWorktree, statusEntries } from '../git/index.js';
import type { GitContext, RemoveWorktreeResult, WorktreeInfo, WorktreeMarker } from '../git/index.js';
import { keptBroken, keptDirty, keptInUse, keptInvalidMarker, keptLocked, keptUnmergedWorktree } from './kept.js';
import { commitsOnlyReachableFrom } from './reachability.js';
import type { CleanupReport, KeptItem } from './report.js';
import { worktreeStaleness } from './staleness.js';
import { leaseKey, type StoreFacts } from './store-facts.js';

export interface PassContext {
  git: GitContext;
  dryRun: boolean;
  now: Date;
  facts: StoreFacts;
  isPidAlive: (pid: number) => boolean;
  report: CleanupReport;
  /** Full ref names deleted so far (or, in a dry run, that would be): they no longer protect commits. */
  gone: Set<string>;
}

/**
 * Judges and (unless dry-running) removes omk's worktrees, in `git worktree list` order. Returns the
 * worktrees that stay, so the branch pass knows which branches are still checked out.
 */
export async function worktreePass(pc: PassContext, worktrees: WorktreeInfo[]): Promise<WorktreeInfo[]> {
  const staying: WorktreeInfo[] = [];
  for (const wt of worktrees) {
    if (!(await handleWorktree(pc, wt))) staying.push(wt);
  }
  return staying;
}

/** Returns true when the worktree is (or would be) gone afterwards. */
async function handleWorktree(pc: PassContext, wt: WorktreeInfo): Promise<boolean> {
  // Only omk's: the main checkout and worktrees without a marker are not looked at.
  if (wt.isMain || wt.bare || wt.marker.state === 'absent') return false;
  const ref = { path: wt.path, branch: wt.branch, goalId: undefined, taskId: undefined };
  if (wt.marker.state === 'invalid') {
    pc.report.kept.push(keptInvalidMarker(ref, markerPath(wt.gitDir ?? ''), wt.marker.problem));
    return false;
  }
  const m = wt.marker.marker;
  const owned = { ...ref, goalId: m.goal_id, taskId: m.task_id };
  const staleness = worktreeStaleness({
    goalId: m.goal_id,
    goalStatus: pc.facts.goals.get(m.goal_id),
    lease: pc.facts.leases.get(leaseKey(m.goal_id, m.task_id)),
    pid: m.pid,
    pidAlive: pc.isPidAlive(m.pid),
    now: pc.now,
  });
  if (!staleness.stale) {
    pc.report.kept.push(keptInUse(owned, staleness.detail));
    return false;
  }
  if (wt.locked !== undefined) {
    pc.report.kept.push(keptLocked(owned, `${staleness.detail}, but the worktree is locked${wt.locked === '' ? '' : ` (${wt.locked})`}`));
    return false;
  }

  const exists = existsSync(wt.path);
  if (wt.prunable !== undefined && exists) {
    pc.report.kept.push(keptBroken(owned, `${staleness.detail}, but git cannot use the worktree (${wt.prunable}) while its directory still exists`));
    return false;
  }
  if (!exists) {
    // The directory is gone, so no uncommitted work can be lost: drop git's metadata, keep the branch
    // (the branch pass judges it like any other).
    if (!pc.dryRun) {
      const result = await removeWorktree(pc.git, { path: wt.path, deleteBranch: false });
      if (!result.removed) return refused(pc, result, owned, m, markerPath(wt.gitDir ?? ''));
    }
    pc.report.pruned.push({
      path: wt.path,
      branch: wt.branch ?? null,
      goal_id: m.goal_id,
      task_id: m.task_id,
      reason: staleness.reason,
      detail: `${staleness.detail}; the worktree's directory is gone`,
    });
    return true;
  }

  const dirty = (await statusEntries({ ...pc.git, cwd: wt.path })).map((e) => e.path);
  if (dirty.length > 0) {
    pc.report.kept.push(keptDirty(owned, dirty, `${staleness.detail}, but the worktree has ${dirty.length} uncommitted or untracked path(s)`));
    return false;
  }
  // The branch goes with the worktree only when it is still the one omk made for it (as removeWorktree does).
  const branchToDelete = wt.branch !== undefined && wt.branch === m.branch ? wt.branch : undefined;
  const atRisk = await commitsAtRisk(pc, wt, branchToDelete);
  if (atRisk.length > 0) {
    const where = branchToDelete ?? 'its detached HEAD';
    pc.report.kept.push(keptUnmergedWorktree(owned, atRisk, m.base_sha, `${staleness.detail}, but ${where} holds ${atRisk.length} commit(s) no other ref reaches`));
    return false;
  }

  let deleted = branchToDelete;
  if (!pc.dryRun) {
    const result = await removeWorktree(pc.git, { path: wt.path });
    if (!result.removed) return refused(pc, result, owned, m, markerPath(wt.gitDir ?? ''));
    deleted = result.deletedBranch;
  }
  if (deleted !== undefined) pc.gone.add(`refs/heads/${deleted}`);
  pc.report.removed.push({
    kind: 'worktree',
    path: wt.path,
    branch: wt.branch ?? null,
    goal_id: m.goal_id,
    task_id: m.task_id,
    reason: staleness.reason,
    detail: staleness.detail,
    deleted_branch: deleted ?? null,
  });
  return true;
}

async function commitsAtRisk(pc: PassContext, wt: WorktreeInfo, branchToDelete: string | undefined): Promise<string[]> {
  if (wt.head === undefined) return [];
  if (wt.detached) return commitsOnlyReachableFrom(pc.git, wt.head, pc.gone);
  if (branchToDelete === undefined) return [];
  const ref = `refs/heads/${branchToDelete}`;
  return commitsOnlyReachableFrom(pc.git, ref, new Set([...pc.gone, ref]));
}

/**
 * removeWorktree judged again under the lock and said no (work landed since we looked, or someone
 * else removed it). Its word wins: the worktree stays and is reported as kept.
 */
function refused(
  pc: PassContext,
  result: Extract<RemoveWorktreeResult, { removed: false }>,
  owned: { path: string; branch: string | undefined; goalId: string; taskId: string },
  m: WorktreeMarker,
  markerFile: string,
): boolean {
  let item: KeptItem | undefined;
  if (result.reason === 'dirty') item = keptDirty(owned, result.dirtyPaths, result.message);
  else if (result.reason === 'unmerged_commits') item = keptUnmergedWorktree(owned, result.unmergedCommits, m.base_sha, result.message);
  else if (result.reason === 'locked') item = keptLocked(owned, result.message);
  else if (result.reason === 'not_a_worktree') return true; // already gone
  else item = keptInvalidMarker(owned, markerFile, result.message);
  pc.report.kept.push(item);
  return false;
}
