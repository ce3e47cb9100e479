/**
 * Would two commits merge cleanly? Asked without touching any worktree: `git merge-tree --write-tree`
 * on git ≥ 2.38, else a trial merge in a throw-away detached worktree.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unmergedPaths } from './conflicts.js';
import { hookArgs } from './git-env.js';
import { GitError } from './git-error.js';
import { resolveCommit } from './repo.js';
import { withWorktreeLock } from './repo-lock.js';
import { gitLine, runGit } from './run-git.js';
import type { GitContext } from './run-git.js';
import { gitVersion, versionAtLeast } from './version.js';

export type MergeCheckMethod = 'merge-tree' | 'worktree';

export interface MergeCheckOptions {
  /** The commit merged into (e.g. the integration branch's tip). */
  ours: string;
  /** The commit merged in (e.g. a slice branch). */
  theirs: string;
  /**
   * `auto` uses merge-tree when git is new enough, else the worktree trial.
   * @default 'auto'
   */
  method?: MergeCheckMethod | 'auto';
  /**
   * Parent of the trial worktree.
   * @default the `TMPDIR` of `ctx.env`, else the OS temp dir
   */
  tempDir?: string;
}

export type MergeCheckResult =
  | { clean: true; /** The tree the merge would produce. */ tree: string; method: MergeCheckMethod }
  | { clean: false; /** Paths that would conflict, sorted. */ conflicts: string[]; method: MergeCheckMethod };

export async function checkMerge(ctx: GitContext, opts: MergeCheckOptions): Promise<MergeCheckResult> {
  const [ours, theirs] = await Promise.all([resolveCommit(ctx, opts.ours), resolveCommit(ctx, opts.theirs)]);
  let method = opts.method ?? 'auto';
  if (method === 'auto') method = versionAtLeast(await gitVersion(ctx), 2, 38) ? 'merge-tree' : 'worktree';
  return method === 'merge-tree' ? viaMergeTree(ctx, ours, theirs) : viaWorktree(ctx, ours, theirs, opts.tempDir);
}

async function viaMergeTree(ctx: GitContext, ours: string, theirs: string): Promise<MergeCheckResult> {
  const args = ['merge-tree', '--write-tree', '--name-only', '-z', ours, theirs];
  const result = await runGit(ctx, args, { okCodes: [0, 1] });
  // `TREE\0` then, on conflict, `PATH\0`… `\0` and informational messages.
  const [tree = '', ...rest] = result.stdout.split('\0');
  if (result.exitCode === 0) return { clean: true, tree: tree.trim(), method: 'merge-tree' };
  const end = rest.indexOf('');
  const conflicts = [...new Set(end === -1 ? rest : rest.slice(0, end))].sort();
  return { clean: false, conflicts, method: 'merge-tree' };
}

async function viaWorktree(ctx: GitContext, ours: string, theirs: string, tempDir: string | undefined): Promise<MergeCheckResult> {
  const parent = await mkdtemp(path.join(tempDir ?? ctx.env.TMPDIR ?? tmpdir(), 'omk-merge-check-'));
  const trial = path.join(parent, 'wt');
  // A trial merge must not trigger the user's post-checkout or commit hooks.
  const noHooks = hookArgs(false);
  try {
    await withWorktreeLock(ctx, () => runGit(ctx, [...noHooks, 'worktree', 'add', '--quiet', '--detach', trial, ours]));
    const wt = { ...ctx, cwd: trial };
    const args = [...noHooks, 'merge', '--no-ff', '--no-commit', '--no-rerere-autoupdate', theirs];
    const result = await runGit(wt, args, { okCodes: [0, 1] });
    if (result.exitCode === 0) return { clean: true, tree: await gitLine(wt, ['write-tree']), method: 'worktree' };
    const conflicts = (await unmergedPaths(wt)).map((c) => c.path).sort();
    if (conflicts.length > 0) return { clean: false, conflicts, method: 'worktree' };
    throw new GitError({
      code: 'io',
      command: ['git', ...args],
      cwd: trial,
      exitCode: result.exitCode,
      stderr: `${result.stdout}\n${result.stderr}`,
      hint: 'the trial merge failed without conflicts; run it by hand to see why',
    });
  } finally {
    await withWorktreeLock(ctx, () => runGit(ctx, ['worktree', 'remove', '--force', '--force', trial], { okCodes: [0, 128] }));
    await rm(parent, { recursive: true, force: true });
  }
}
