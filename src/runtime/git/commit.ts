/** Committing a worktree's changes as omk (the agent never has to). */
import { OmkError } from '../../core/errors.js';
import { hookArgs } from './git-env.js';
import { gitLine, runGit } from './run-git.js';
import type { GitContext } from './run-git.js';

export interface CommitAllOptions {
  message: string;
  /**
   * Run the repository's hooks (pre-commit, commit-msg, post-commit). Off by default: gates, not
   * hooks, judge omk's work, and a hook that prompts or hangs must not stall a worker.
   * @default false
   */
  runHooks?: boolean;
}

export type CommitResult =
  | { committed: true; sha: string; tree: string }
  | { committed: false; reason: 'nothing_to_commit' };

/**
 * `git add -A` + `git commit` in the worktree at `ctx.cwd`: tracked changes, deletions and untracked
 * non-ignored files. Nothing to commit is an answer, not an error. Commits are unsigned and made by
 * `ctx.identity` (default `omk <omk@localhost>`).
 */
export async function commitAll(ctx: GitContext, opts: CommitAllOptions): Promise<CommitResult> {
  if (opts.message.trim() === '') {
    throw new OmkError('usage', 'git commit: an empty commit message', { hint: 'say what the commit holds' });
  }
  await runGit(ctx, ['add', '-A', '--', ':/']);
  const staged = await runGit(ctx, ['diff', '--cached', '--quiet', '--ignore-submodules=none'], { okCodes: [0, 1] });
  if (staged.exitCode === 0) return { committed: false, reason: 'nothing_to_commit' };
  await runGit(ctx, [...hookArgs(opts.runHooks === true), 'commit', '--quiet', '-m', opts.message]);
  const [sha, tree] = (await gitLine(ctx, ['rev-parse', 'HEAD', 'HEAD^{tree}'])).split('\n');
  return { committed: true, sha: sha!, tree: tree! };
}
