/** Deleting branches, only when nothing is lost (or when the caller explicitly abandons and records it). */
import { OmkError } from '../../core/errors.js';
import type { AbandonOption } from './abandon.js';
import { unmergedCommits } from './ancestry.js';
import { tryResolveCommit } from './repo.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';
import { withWorktreeLock } from './repo-lock.js';
import { listUnlocked } from './worktrees.js';

export type DeleteBranchOptions = AbandonOption & {
  /** Short name, e.g. `omk/g1/t1`. */
  branch: string;
};

export type DeleteBranchResult =
  | { deleted: true; branch: string; sha: string; abandonedCommits: string[] }
  | {
      deleted: false;
      branch: string;
      reason: 'not_found' | 'checked_out' | 'unmerged_commits';
      message: string;
      unmergedCommits: string[];
    };

/**
 * Deletes `refs/heads/<branch>` when every commit on it is reachable from another ref. Refuses (as
 * data) when it does not exist, is checked out in a worktree, or holds commits nothing else reaches,
 * unless `force: 'abandon'` with a recorder. The delete is compare-and-swap on the sha that was checked,
 * under the worktree lock so no worktree can check the branch out in between.
 */
export async function deleteBranch(ctx: GitContext, opts: DeleteBranchOptions): Promise<DeleteBranchResult> {
  if (opts.force !== undefined && typeof opts.onAbandon !== 'function') {
    throw new OmkError('usage', "force: 'abandon' needs an onAbandon recorder", { hint: 'record what is abandoned before deleting it' });
  }
  return withWorktreeLock(ctx, () => deleteLocked(ctx, opts));
}

async function deleteLocked(ctx: GitContext, opts: DeleteBranchOptions): Promise<DeleteBranchResult> {
  const { branch } = opts;
  const ref = `refs/heads/${branch}`;
  const sha = await tryResolveCommit(ctx, ref);
  if (sha === undefined) {
    return { deleted: false, branch, reason: 'not_found', message: `branch ${branch} does not exist`, unmergedCommits: [] };
  }
  const holder = (await listUnlocked(ctx)).find((w) => w.branch === branch);
  if (holder !== undefined) {
    return {
      deleted: false,
      branch,
      reason: 'checked_out',
      message: `branch ${branch} is checked out in ${holder.path}; remove that worktree first`,
      unmergedCommits: [],
    };
  }
  const unmerged = await unmergedCommits(ctx, branch);
  if (unmerged.length > 0) {
    if (opts.force !== 'abandon') {
      return {
        deleted: false,
        branch,
        reason: 'unmerged_commits',
        message: `branch ${branch} holds ${unmerged.length} commit(s) no other ref reaches`,
        unmergedCommits: unmerged,
      };
    }
    await opts.onAbandon({ branch, head: sha, dirtyPaths: [], unmergedCommits: unmerged });
  }
  await runGit(ctx, ['update-ref', '-d', ref, sha]);
  return { deleted: true, branch, sha, abandonedCommits: unmerged };
}
