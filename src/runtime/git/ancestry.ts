/** Reachability questions: is one commit in another's history, which commits would be lost. */
import { assertRefArgument } from './repo.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';

/** `git merge-base --is-ancestor`: true when `ancestor` is in `descendant`'s history (or equal to it). */
export async function isAncestor(ctx: GitContext, ancestor: string, descendant: string): Promise<boolean> {
  assertRefArgument(ancestor);
  assertRefArgument(descendant);
  const result = await runGit(ctx, ['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [0, 1] });
  return result.exitCode === 0;
}

/** `git merge-base A B`: their best common ancestor, or undefined when they share no history. */
export async function mergeBase(ctx: GitContext, a: string, b: string): Promise<string | undefined> {
  assertRefArgument(a);
  assertRefArgument(b);
  const result = await runGit(ctx, ['merge-base', a, b], { okCodes: [0, 1] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * Commits reachable from `tip` and from no ref except `exceptRef` (branches, tags, remotes, notes,
 * stash, omk's own refs all count): the work that would be lost if `exceptRef` were deleted, or if a
 * detached HEAD at `tip` were dropped. Newest first; empty when everything is reachable elsewhere.
 * HEADs are deliberately not counted: a worktree's HEAD is the branch being judged.
 */
export async function commitsOnlyIn(ctx: GitContext, tip: string, exceptRef?: string): Promise<string[]> {
  assertRefArgument(tip);
  const refs = (await runGit(ctx, ['for-each-ref', '--format=%(refname)'])).stdout
    .split('\n')
    .filter((r) => r !== '' && r !== exceptRef);
  // Refs go in on stdin (`^ref` excludes), so thousands of branches cannot overflow the argv.
  const input = [tip, ...refs.map((r) => `^${r}`)].join('\n') + '\n';
  const out = (await runGit(ctx, ['rev-list', '--stdin'], { input })).stdout;
  return out.split('\n').filter((l) => l !== '');
}

/** Commits only `refs/heads/<branch>` holds: non-empty means deleting the branch would lose work. */
export function unmergedCommits(ctx: GitContext, branch: string): Promise<string[]> {
  return commitsOnlyIn(ctx, `refs/heads/${branch}`, `refs/heads/${branch}`);
}
