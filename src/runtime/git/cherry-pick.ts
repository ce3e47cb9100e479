import { OmkError } from '../../core/errors.js';
import { unmergedPaths } from './conflicts.js';
import type { Conflict } from './conflicts.js';
import { hookArgs } from './git-env.js';
import { GitError } from './git-error.js';
import { inProgress } from './merge.js';
import { headSha, isClean, resolveCommit } from './repo.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';

export interface CherryPickOptions {
  /** The commit to apply (not a merge commit). */
  commit: string;
  /** Append `(cherry picked from commit …)` to the message (`-x`). @default true */
  recordOrigin?: boolean;
  /** @default false */
  runHooks?: boolean;
}

export type CherryPickResult =
  | { picked: true; sha: string }
  | { picked: false; reason: 'conflict'; conflicts: Conflict[]; head: string }
  | { picked: false; reason: 'empty'; head: string };

/**
 * `git cherry-pick` onto the clean worktree at `ctx.cwd`. A conflict is aborted and reported with its
 * paths; a commit whose change is already there is reported as `empty`. Either way the worktree is
 * left as it was.
 */
export async function cherryPick(ctx: GitContext, opts: CherryPickOptions): Promise<CherryPickResult> {
  if (!(await isClean(ctx))) {
    throw new OmkError('failed', `refusing to cherry-pick ${opts.commit}: ${ctx.cwd} has uncommitted changes`, {
      hint: 'commit or discard the changes in the worktree first',
    });
  }
  const head = await headSha(ctx);
  const sha = await resolveCommit(ctx, opts.commit);
  const args = [...hookArgs(opts.runHooks === true), 'cherry-pick', ...(opts.recordOrigin === false ? [] : ['-x']), sha];
  const result = await runGit(ctx, args, { okCodes: [0, 1] });
  if (result.exitCode === 0) return { picked: true, sha: await headSha(ctx) };
  const conflicts = await unmergedPaths(ctx);
  const stopped = await inProgress(ctx, 'CHERRY_PICK_HEAD');
  if (stopped) await runGit(ctx, ['cherry-pick', '--abort']);
  if (conflicts.length > 0) return { picked: false, reason: 'conflict', conflicts, head };
  if (stopped) return { picked: false, reason: 'empty', head };
  throw new GitError({
    code: 'io',
    command: ['git', ...args],
    cwd: ctx.cwd,
    exitCode: result.exitCode,
    stderr: `${result.stdout}\n${result.stderr}`,
    hint: 'the cherry-pick stopped without conflicts; run it by hand in the worktree to see why',
  });
}
