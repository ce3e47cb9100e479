/**
 * Merging for the integration train. Merges happen in a dedicated worktree checked out on the target
 * branch (`omk/<goal>/integration`), never in the user's checkout; a conflict is an answer (the paths)
 * and the merge is aborted so the worktree is clean again.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { unmergedPaths } from './conflicts.js';
import { hookArgs } from './git-env.js';
import { GitError } from './git-error.js';
import type { Conflict } from './conflicts.js';
import { assertRefArgument, currentBranch, gitDir, headSha, isClean, resolveCommit } from './repo.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';

export interface MergeOptions {
  /** The branch or commit to merge in, e.g. `omk/g1/t1`. */
  source: string;
  /**
   * The branch the worktree at `ctx.cwd` must have checked out; checked before merging so a merge can
   * never land on the wrong branch.
   */
  into: string;
  /** @default `Merge branch '<source>' into <into>` */
  message?: string;
  /** Run the repository's hooks (pre-merge-commit, commit-msg, post-merge). @default false */
  runHooks?: boolean;
}

export type MergeResult =
  | {
      merged: true;
      /** The new merge commit (or HEAD unchanged when already up to date). */
      sha: string;
      /** True when `source` was already contained in the target: no commit was made. */
      alreadyUpToDate: boolean;
    }
  | { merged: false; conflicts: Conflict[]; /** The merge was aborted; the worktree is back at `head`. */ head: string };

/**
 * `git merge --no-ff --no-edit SOURCE` in the worktree at `ctx.cwd`. Throws `failed` when the
 * worktree is dirty or on another branch than `into` (nothing is touched); a merge that stops on
 * conflicts is aborted and reported with its paths.
 */
export async function mergeBranch(ctx: GitContext, opts: MergeOptions): Promise<MergeResult> {
  assertRefArgument(opts.source);
  const branch = await currentBranch(ctx);
  if (branch !== opts.into) {
    throw new OmkError('failed', `refusing to merge ${opts.source}: ${ctx.cwd} has ${branch ?? 'a detached HEAD'} checked out, not ${opts.into}`, {
      hint: 'merge in the integration worktree, which has the target branch checked out',
    });
  }
  if (!(await isClean(ctx))) {
    throw new OmkError('failed', `refusing to merge ${opts.source}: ${ctx.cwd} has uncommitted changes`, {
      hint: 'the integration worktree must be clean before each merge',
    });
  }
  const before = await headSha(ctx);
  const sourceSha = await resolveCommit(ctx, opts.source);
  // The sha is merged (a branch moving meanwhile cannot change what lands); the message keeps the name.
  const message = ['-m', opts.message ?? `Merge branch '${opts.source}' into ${opts.into}`];
  const args = [...hookArgs(opts.runHooks === true), 'merge', '--no-ff', '--no-edit', '--no-rerere-autoupdate', ...message, sourceSha];
  const result = await runGit(ctx, args, { okCodes: [0, 1] });
  if (result.exitCode === 0) {
    const after = await headSha(ctx);
    return { merged: true, sha: after, alreadyUpToDate: after === before };
  }
  const conflicts = await unmergedPaths(ctx);
  if (await inProgress(ctx, 'MERGE_HEAD')) await runGit(ctx, ['merge', '--abort']);
  if (conflicts.length > 0) return { merged: false, conflicts, head: before };
  // Stopped without conflicts (a hook, an I/O error): not an answer.
  throw new GitError({
    code: 'io',
    command: ['git', ...args],
    cwd: ctx.cwd,
    exitCode: result.exitCode,
    stderr: `${result.stdout}\n${result.stderr}`,
    hint: 'the merge stopped without conflicts; run it by hand in the worktree to see why',
  });
}

/** True while a merge (`MERGE_HEAD`) or cherry-pick (`CHERRY_PICK_HEAD`) is in progress in the worktree. */
export async function inProgress(ctx: GitContext, head: 'MERGE_HEAD' | 'CHERRY_PICK_HEAD'): Promise<boolean> {
  return existsSync(path.join(await gitDir(ctx), head));
}
