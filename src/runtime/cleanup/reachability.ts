/** Which commits would be lost, given refs that are (or, in a dry run, would be) deleted first. */
import { assertRefArgument, runGit } from '../git/index.js';
import type { GitContext } from '../git/index.js';

/**
 * Commits reachable from `tip` and from no ref outside `without` (full ref names). Like the git
 * layer's `commitsOnlyIn`, but with a set, so a dry run can judge each item as if the deletions
 * planned before it had happened — and so reports exactly what a real run would do.
 * Newest first; empty when every commit is reachable from a ref that stays.
 */
export async function commitsOnlyReachableFrom(ctx: GitContext, tip: string, without: ReadonlySet<string>): Promise<string[]> {
  assertRefArgument(tip);
  const refs = (await runGit(ctx, ['for-each-ref', '--format=%(refname)'])).stdout
    .split('\n')
    .filter((r) => r !== '' && !without.has(r));
  const input = [tip, ...refs.map((r) => `^${r}`)].join('\n') + '\n';
  const out = (await runGit(ctx, ['rev-list', '--stdin'], { input })).stdout;
  return out.split('\n').filter((l) => l !== '');
}

/** Short names of every branch under `omk/`, sorted, with the commit each points at. */
export async function omkBranches(ctx: GitContext): Promise<Array<{ branch: string; sha: string }>> {
  const out = (await runGit(ctx, ['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/heads/omk/'])).stdout;
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [ref, sha] = l.split('\0') as [string, string];
      return { branch: ref.slice('refs/heads/'.length), sha };
    })
    .sort((a, b) => (a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0));
}
