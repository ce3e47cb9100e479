/**
 * Safe worktree removal. Never removes: the main worktree, a worktree without omk's marker, a locked
 * one, uncommitted or untracked (non-ignored) work, or commits no other ref reaches — unless the caller
 * passes `force: 'abandon'` and records what is lost. Refusals are data, not throws.
 */
import { existsSync } from 'node:fs';
import { OmkError } from '../../core/errors.js';
import type { AbandonOption, AbandonRecord } from './abandon.js';
import { commitsOnlyIn, unmergedCommits } from './ancestry.js';
import { statusEntries } from './repo.js';
import { isGitError } from './git-error.js';
import { withWorktreeLock } from './repo-lock.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';
import { workingTreeSha } from './tree.js';
import { findUnlocked } from './worktrees.js';
import type { WorktreeInfo } from './worktrees.js';

export type RemoveWorktreeOptions = AbandonOption & {
  /** The worktree to remove (resolved against `ctx.cwd`, which is any directory of the repository). */
  path: string;
  /**
   * Also delete the worktree's branch, when it is still the branch the marker says omk created.
   * A branch that stays keeps its commits, so unmerged commits only block removal when it goes.
   * @default true
   */
  deleteBranch?: boolean;
};

export type RemovalRefusal = 'not_a_worktree' | 'main_worktree' | 'not_owned' | 'locked' | 'dirty' | 'unmerged_commits';

export type RemoveWorktreeResult =
  | {
      removed: true;
      path: string;
      /** The branch deleted with it, if any. */
      deletedBranch: string | undefined;
      /** Set when work was abandoned (what onAbandon received). */
      abandoned: AbandonRecord | undefined;
    }
  | {
      removed: false;
      path: string;
      reason: RemovalRefusal;
      message: string;
      dirtyPaths: string[];
      unmergedCommits: string[];
    };

/**
 * Removes the worktree at `opts.path` (and, by default, the branch omk created for it) when nothing
 * would be lost; otherwise returns why not. Holds the repository's worktree lock throughout, so the
 * judgement and the removal see the same state of the worktree list.
 */
export async function removeWorktree(ctx: GitContext, opts: RemoveWorktreeOptions): Promise<RemoveWorktreeResult> {
  if (opts.force !== undefined && typeof opts.onAbandon !== 'function') {
    throw new OmkError('usage', "force: 'abandon' needs an onAbandon recorder", { hint: 'record what is abandoned before removing it' });
  }
  return withWorktreeLock(ctx, () => removeLocked(ctx, opts));
}

async function removeLocked(ctx: GitContext, opts: RemoveWorktreeOptions): Promise<RemoveWorktreeResult> {
  const info = await findUnlocked(ctx, opts.path);
  const refuse = (reason: RemovalRefusal, message: string, dirtyPaths: string[] = [], unmerged: string[] = []): RemoveWorktreeResult => ({
    removed: false,
    path: info?.path ?? opts.path,
    reason,
    message,
    dirtyPaths,
    unmergedCommits: unmerged,
  });
  if (info === undefined) return refuse('not_a_worktree', `${opts.path} is not a worktree of this repository`);
  if (info.isMain) return refuse('main_worktree', `${info.path} is the repository's main worktree; omk never removes it`);
  if (info.marker.state !== 'present') {
    const why = info.marker.state === 'absent' ? 'has no omk ownership marker' : `has an invalid ownership marker (${info.marker.problem})`;
    return refuse('not_owned', `${info.path} ${why}; omk only removes worktrees it created`);
  }
  if (info.locked !== undefined) {
    return refuse('locked', `${info.path} is locked${info.locked === '' ? '' : ` (${info.locked})`}; unlock it with git worktree unlock first`);
  }
  const marker = info.marker.marker;
  const present = info.prunable === undefined && existsSync(info.path);
  const wtCtx = { ...ctx, cwd: info.path };
  const dirtyPaths = present ? (await statusEntries(wtCtx)).map((e) => e.path) : [];
  const branchToDelete = opts.deleteBranch !== false && info.branch !== undefined && info.branch === marker.branch ? info.branch : undefined;
  const atRisk = await commitsAtRisk(ctx, info, branchToDelete);

  let abandoned: AbandonRecord | undefined;
  if (dirtyPaths.length > 0 || atRisk.length > 0) {
    if (opts.force !== 'abandon') {
      return dirtyPaths.length > 0
        ? refuse('dirty', `${info.path} has ${dirtyPaths.length} uncommitted or untracked path(s)`, dirtyPaths, atRisk)
        : refuse('unmerged_commits', `${info.branch ?? 'HEAD'} in ${info.path} holds ${atRisk.length} commit(s) no other ref reaches`, dirtyPaths, atRisk);
    }
    abandoned = {
      path: info.path,
      marker,
      dirtyPaths,
      unmergedCommits: atRisk,
      ...(info.branch === undefined ? {} : { branch: info.branch }),
      ...(info.head === undefined ? {} : { head: info.head }),
      ...(dirtyPaths.length > 0 ? { snapshotTree: await workingTreeSha(wtCtx) } : {}),
    };
    await opts.onAbandon(abandoned);
  }

  // Without abandon, git's own check (`remove` refuses modified or untracked files) backs ours up
  // against a write that landed after we looked.
  try {
    await runGit(ctx, ['worktree', 'remove', ...(abandoned ? ['--force'] : []), info.path]);
  } catch (error) {
    if (isGitError(error) && /modified or untracked files/.test(error.stderrTail)) {
      return refuse('dirty', `${info.path} changed while being removed: ${error.message}`, dirtyPaths, atRisk);
    }
    throw error;
  }
  if (branchToDelete !== undefined && info.head !== undefined) {
    // Compare-and-swap: a branch that moved since we judged it is left alone.
    await runGit(ctx, ['update-ref', '-d', `refs/heads/${branchToDelete}`, info.head]);
  }
  return { removed: true, path: info.path, deletedBranch: branchToDelete, abandoned };
}

/** Commits that disappear with the removal: a detached HEAD's own commits, or the deleted branch's. */
async function commitsAtRisk(ctx: GitContext, info: WorktreeInfo, branchToDelete: string | undefined): Promise<string[]> {
  if (info.head === undefined) return [];
  if (info.detached) return commitsOnlyIn(ctx, info.head);
  if (branchToDelete !== undefined) return unmergedCommits(ctx, branchToDelete);
  return [];
}

export interface PrunedWorktree {
  /** The admin dir name under `<common>/worktrees/`. */
  name: string;
  /** git's reason, e.g. `gitdir file points to non-existent location`. */
  reason: string;
}

export interface PruneOptions {
  /** Report what would be pruned without pruning. @default false */
  dryRun?: boolean;
}

/**
 * `git worktree prune`: drops git's metadata for worktrees whose directory is gone (their markers go
 * with it). Branches are untouched; nothing on disk that still exists is removed.
 */
export async function pruneWorktrees(ctx: GitContext, opts: PruneOptions = {}): Promise<PrunedWorktree[]> {
  const result = await withWorktreeLock(ctx, () => runGit(ctx, ['worktree', 'prune', '--verbose', ...(opts.dryRun === true ? ['--dry-run'] : [])]));
  const pruned: PrunedWorktree[] = [];
  for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
    const m = /^Removing worktrees\/(.+?): (.*)$/.exec(line.trim());
    if (m) pruned.push({ name: m[1]!, reason: m[2]! });
  }
  return pruned;
}
