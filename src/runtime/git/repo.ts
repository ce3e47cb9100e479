/** Facts about the repository at `ctx.cwd`: where it lives, what is checked out, whether it is clean. */
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { gitLine, runGit, splitNul } from './run-git.js';
import type { GitContext } from './run-git.js';

/** The top of the working tree containing `ctx.cwd` (a linked worktree's own top, not the main one). */
export function repoRoot(ctx: GitContext): Promise<string> {
  return gitLine(ctx, ['rev-parse', '--show-toplevel']);
}

/** This working tree's git dir: `.git` for the main worktree, `.git/worktrees/<name>` for a linked one. */
export function gitDir(ctx: GitContext): Promise<string> {
  return gitLine(ctx, ['rev-parse', '--absolute-git-dir']);
}

/** The git dir shared by all worktrees of the repository (objects, refs, `info/`). */
export async function gitCommonDir(ctx: GitContext): Promise<string> {
  return path.resolve(ctx.cwd, await gitLine(ctx, ['rev-parse', '--git-common-dir']));
}

/** The `info/exclude` file git reads for this working tree (the common one, also from linked worktrees). */
export async function infoExcludePath(ctx: GitContext): Promise<string> {
  return path.resolve(ctx.cwd, await gitLine(ctx, ['rev-parse', '--git-path', 'info/exclude']));
}

/** The short name of the checked-out branch (`main`, `omk/g/t`), or undefined when HEAD is detached. */
export async function currentBranch(ctx: GitContext): Promise<string | undefined> {
  const result = await runGit(ctx, ['symbolic-ref', '--quiet', 'HEAD'], { okCodes: [0, 1] });
  if (result.exitCode !== 0) return undefined;
  const ref = result.stdout.trim();
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/** The commit HEAD points at. Throws `not_found` in a repository without commits. */
export async function headSha(ctx: GitContext): Promise<string> {
  const sha = await tryResolveCommit(ctx, 'HEAD');
  if (sha === undefined) {
    throw new OmkError('not_found', `HEAD does not point at a commit in ${ctx.cwd}`, {
      hint: 'make a first commit in the repository',
    });
  }
  return sha;
}

/** The commit `ref` names (branch, tag, sha, `HEAD~2`…), or undefined when it names none. */
export async function tryResolveCommit(ctx: GitContext, ref: string): Promise<string | undefined> {
  assertRefArgument(ref);
  const result = await runGit(ctx, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okCodes: [0, 1] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The commit `ref` names; throws `not_found` naming the ref when there is none. */
export async function resolveCommit(ctx: GitContext, ref: string): Promise<string> {
  const sha = await tryResolveCommit(ctx, ref);
  if (sha === undefined) {
    throw new OmkError('not_found', `git rev-parse --verify ${ref}^{commit}: no commit named "${ref}" in ${ctx.cwd}`, {
      hint: 'check the ref with `git log -1 REF`; fetch it first if it lives on a remote',
    });
  }
  return sha;
}

/** One line of `git status --porcelain`: the two-letter XY code and the path (and the old path of a rename). */
export interface StatusEntry {
  /** Index and working-tree status, e.g. ` M`, `??`, `R `, `UU`. */
  code: string;
  path: string;
  origPath?: string;
}

/**
 * Uncommitted changes of the working tree at `ctx.cwd`: modified, staged, deleted and untracked files.
 * Ignored files do not count (they are not the user's work in progress, e.g. `node_modules/`).
 */
export async function statusEntries(ctx: GitContext): Promise<StatusEntry[]> {
  const out = (await runGit(ctx, ['status', '--porcelain=v1', '-z', '--untracked-files=all'])).stdout;
  const parts = splitNul(out);
  const entries: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const code = part.slice(0, 2);
    const entry: StatusEntry = { code, path: part.slice(3) };
    // Renames and copies carry the source path as the next NUL field.
    if (code[0] === 'R' || code[0] === 'C') entry.origPath = parts[++i];
    entries.push(entry);
  }
  return entries;
}

/** True when the working tree has no uncommitted changes and no untracked, non-ignored files. */
export async function isClean(ctx: GitContext): Promise<boolean> {
  return (await statusEntries(ctx)).length === 0;
}

/**
 * Refuses a ref that git would read as an option (`--output=…`): an argument-injection guard for refs
 * that may come from configuration or a model.
 */
export function assertRefArgument(ref: string): void {
  if (ref === '' || ref.startsWith('-') || ref.includes('\0')) {
    throw new OmkError('usage', `"${ref}" is not a usable git ref`, { hint: 'refs must be non-empty and must not start with "-"' });
  }
}
