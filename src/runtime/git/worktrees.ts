/** Creating and listing worktrees. Removal, with its safety rules, is in worktree-remove.ts. */
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { assertBranchName } from './ref-names.js';
import { gitCommonDir, gitDir, resolveCommit, tryResolveCommit } from './repo.js';
import { withWorktreeLock } from './repo-lock.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';
import { MARKER_VERSION, readMarkerAt, writeMarker } from './worktree-marker.js';
import type { MarkerRead, WorktreeMarker } from './worktree-marker.js';

export interface CreateWorktreeOptions {
  /** Where the working tree goes; must not exist yet (parents are created). */
  path: string;
  /** The new branch, e.g. taskBranchName(goal, task). Must not exist yet. */
  branch: string;
  /** The commit to start from. Resolved to a sha first, so a moving branch name cannot shift it. */
  base: string;
  goalId: string;
  taskId: string;
  /** @default 1 */
  attempt?: number;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default process.pid */
  pid?: number;
}

export interface CreatedWorktree {
  path: string;
  branch: string;
  baseSha: string;
  /** The worktree's own git dir, where the marker lives. */
  gitDir: string;
  marker: WorktreeMarker;
}

/**
 * `git worktree add -b BRANCH PATH SHA`, then the ownership marker. If the marker cannot be written,
 * the worktree and branch (which hold nothing yet) are removed again and the error is rethrown.
 */
export async function createWorktree(ctx: GitContext, opts: CreateWorktreeOptions): Promise<CreatedWorktree> {
  return withWorktreeLock(ctx, () => createLocked(ctx, opts));
}

async function createLocked(ctx: GitContext, opts: CreateWorktreeOptions): Promise<CreatedWorktree> {
  const target = path.resolve(ctx.cwd, opts.path);
  await assertBranchName(ctx, opts.branch);
  const baseSha = await resolveCommit(ctx, opts.base);
  if ((await tryResolveCommit(ctx, `refs/heads/${opts.branch}`)) !== undefined) {
    throw new OmkError('failed', `cannot create worktree: branch ${opts.branch} already exists`, {
      hint: 'a previous run left it; `omk cleanup` removes it once it is merged, or pick another name',
    });
  }
  if (existsSync(target)) {
    throw new OmkError('failed', `cannot create worktree: ${target} already exists`, {
      hint: 'a previous run left it; `omk cleanup` removes stale worktrees',
    });
  }
  try {
    await runGit(ctx, ['worktree', 'add', '--quiet', '--no-track', '-b', opts.branch, target, baseSha]);
  } catch (error) {
    // `worktree add -b` makes the branch before the worktree; a failure after that leaves it behind.
    // It did not exist a moment ago and still points at the base: it is ours to take back.
    await runGit(ctx, ['update-ref', '-d', `refs/heads/${opts.branch}`, baseSha], { okCodes: [0, 1, 128] });
    throw error;
  }
  const wtCtx = { ...ctx, cwd: target };
  try {
    const ownGitDir = await gitDir(wtCtx);
    const marker: WorktreeMarker = {
      version: MARKER_VERSION,
      goal_id: opts.goalId,
      task_id: opts.taskId,
      attempt: opts.attempt ?? 1,
      base_sha: baseSha,
      branch: opts.branch,
      created_at: (opts.now ?? (() => new Date()))().toISOString(),
      pid: opts.pid ?? process.pid,
    };
    await writeMarker(ownGitDir, marker);
    return { path: target, branch: opts.branch, baseSha, gitDir: ownGitDir, marker };
  } catch (error) {
    await runGit(ctx, ['worktree', 'remove', '--force', target], { okCodes: [0, 128] });
    await runGit(ctx, ['update-ref', '-d', `refs/heads/${opts.branch}`, baseSha], { okCodes: [0, 1, 128] });
    throw error;
  }
}

/** One entry of `git worktree list --porcelain`, with omk's marker when it has one. */
export interface WorktreeInfo {
  path: string;
  /** Undefined for a bare repository entry or an unborn branch. */
  head: string | undefined;
  /** Short branch name; undefined when detached. */
  branch: string | undefined;
  detached: boolean;
  bare: boolean;
  /** The first entry: the repository's main working tree. */
  isMain: boolean;
  /** Lock reason ('' when locked without one); undefined when not locked. */
  locked: string | undefined;
  /** Why git would prune it (e.g. its directory is gone); undefined when not prunable. */
  prunable: string | undefined;
  /** The worktree's git dir (`<common>/worktrees/<name>`); the common dir for the main one. */
  gitDir: string | undefined;
  marker: MarkerRead;
}

/** All worktrees of the repository at `ctx.cwd`, main first, each with its marker read. */
export function listWorktrees(ctx: GitContext): Promise<WorktreeInfo[]> {
  return withWorktreeLock(ctx, () => listUnlocked(ctx));
}

/** listWorktrees for callers already holding the worktree lock. */
export async function listUnlocked(ctx: GitContext): Promise<WorktreeInfo[]> {
  const [out, common] = await Promise.all([
    runGit(ctx, ['worktree', 'list', '--porcelain']).then((r) => r.stdout),
    gitCommonDir(ctx),
  ]);
  const adminDirs = await linkedAdminDirs(common);
  const entries = parseWorktreeList(out);
  return Promise.all(
    entries.map(async (entry, index) => {
      const isMain = index === 0;
      const dir = isMain ? common : adminDirs.get(path.resolve(entry.path));
      const marker: MarkerRead = isMain || dir === undefined ? { state: 'absent' } : await readMarkerAt(dir);
      return { ...entry, isMain, gitDir: dir, marker };
    }),
  );
}

type ParsedEntry = Omit<WorktreeInfo, 'isMain' | 'gitDir' | 'marker'>;

/** Parses `git worktree list --porcelain` (blank-line separated records of `key value` lines). */
export function parseWorktreeList(text: string): ParsedEntry[] {
  const entries: ParsedEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter((l) => l !== '');
    if (lines.length === 0) continue;
    const entry: ParsedEntry = {
      path: '',
      head: undefined,
      branch: undefined,
      detached: false,
      bare: false,
      locked: undefined,
      prunable: undefined,
    };
    for (const line of lines) {
      const space = line.indexOf(' ');
      const key = space === -1 ? line : line.slice(0, space);
      const value = space === -1 ? '' : line.slice(space + 1);
      if (key === 'worktree') entry.path = value;
      else if (key === 'HEAD') entry.head = /^0+$/.test(value) ? undefined : value;
      else if (key === 'branch') entry.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'detached') entry.detached = true;
      else if (key === 'bare') entry.bare = true;
      else if (key === 'locked') entry.locked = value;
      else if (key === 'prunable') entry.prunable = value;
    }
    if (entry.path !== '') entries.push(entry);
  }
  return entries;
}

/**
 * Maps each linked worktree's path to its admin dir by reading `<common>/worktrees/<id>/gitdir`
 * (which names `<path>/.git`). Works even when the working tree itself is gone.
 */
async function linkedAdminDirs(common: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const root = path.join(common, 'worktrees');
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return map;
  }
  await Promise.all(
    names.map(async (name) => {
      try {
        const pointer = (await readFile(path.join(root, name, 'gitdir'), 'utf8')).trim();
        map.set(path.resolve(path.dirname(pointer)), path.join(root, name));
      } catch {
        // Not a worktree admin dir (or half-created): nothing to map.
      }
    }),
  );
  return map;
}

/** The entry for `worktreePath` (resolved against `ctx.cwd`), or undefined when git does not know it. */
export function findWorktree(ctx: GitContext, worktreePath: string): Promise<WorktreeInfo | undefined> {
  return withWorktreeLock(ctx, () => findUnlocked(ctx, worktreePath));
}

/** findWorktree for callers already holding the worktree lock. */
export async function findUnlocked(ctx: GitContext, worktreePath: string): Promise<WorktreeInfo | undefined> {
  const resolved = path.resolve(ctx.cwd, worktreePath);
  // git records real paths; the caller's may go through a symlink (e.g. /tmp on macOS).
  const wanted = new Set([resolved, await realpath(resolved).catch(() => resolved)]);
  return (await listUnlocked(ctx)).find((w) => wanted.has(path.resolve(w.path)));
}
