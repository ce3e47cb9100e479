/**
 * The ownership marker: `.omk-worktree.json` in a worktree's own git dir (`.git/worktrees/<name>/`),
 * never in the working tree, so it cannot show in `git status`, a diff or a commit. git deletes the
 * directory, marker included, when the worktree is removed or pruned. Destructive operations
 * (reset, abandon, removal) run only on worktrees that carry it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { writeFileAtomically } from '../config/atomic-write.js';
import { gitCommonDir, gitDir } from './repo.js';
import type { GitContext } from './run-git.js';

export const MARKER_FILE = '.omk-worktree.json';
export const MARKER_VERSION = 1;

/** Who made a worktree and from what. */
export interface WorktreeMarker {
  version: number;
  goal_id: string;
  task_id: string;
  attempt: number;
  /** The pinned commit the branch was created at. */
  base_sha: string;
  branch: string;
  /** ISO-8601. */
  created_at: string;
  /** The process that created it (diagnostics for stale worktrees; never used to kill anything). */
  pid: number;
}

/** What a marker read found: the marker, nothing, or a file that is not a valid marker. */
export type MarkerRead =
  | { state: 'present'; marker: WorktreeMarker }
  | { state: 'absent' }
  | { state: 'invalid'; problem: string };

/** The marker's path inside a worktree's git dir. */
export function markerPath(worktreeGitDir: string): string {
  return path.join(worktreeGitDir, MARKER_FILE);
}

/** Writes the marker atomically into `worktreeGitDir`. */
export async function writeMarker(worktreeGitDir: string, marker: WorktreeMarker): Promise<void> {
  await writeFileAtomically(markerPath(worktreeGitDir), `${JSON.stringify(marker, null, 2)}\n`);
}

/** Reads the marker in `worktreeGitDir`. Never throws for a missing or malformed file: it says so. */
export async function readMarkerAt(worktreeGitDir: string): Promise<MarkerRead> {
  let text: string;
  try {
    text = await readFile(markerPath(worktreeGitDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'invalid', problem: (error as Error).message };
  }
  try {
    return parseMarker(JSON.parse(text) as unknown);
  } catch (error) {
    return { state: 'invalid', problem: `not JSON: ${(error as Error).message}` };
  }
}

/** Checks the shape of a parsed marker; extra fields are kept out of the type but tolerated. */
export function parseMarker(value: unknown): MarkerRead {
  if (typeof value !== 'object' || value === null) return { state: 'invalid', problem: 'not an object' };
  const v = value as Record<string, unknown>;
  const strings = ['goal_id', 'task_id', 'base_sha', 'branch', 'created_at'] as const;
  for (const key of strings) {
    if (typeof v[key] !== 'string' || v[key] === '') return { state: 'invalid', problem: `${key}: expected a non-empty string` };
  }
  for (const key of ['version', 'attempt', 'pid'] as const) {
    if (typeof v[key] !== 'number' || !Number.isInteger(v[key])) return { state: 'invalid', problem: `${key}: expected an integer` };
  }
  return {
    state: 'present',
    marker: {
      version: v.version as number,
      goal_id: v.goal_id as string,
      task_id: v.task_id as string,
      attempt: v.attempt as number,
      base_sha: v.base_sha as string,
      branch: v.branch as string,
      created_at: v.created_at as string,
      pid: v.pid as number,
    },
  };
}

/** Reads the marker of the worktree at `ctx.cwd`. */
export async function readWorktreeMarker(ctx: GitContext): Promise<MarkerRead> {
  return readMarkerAt(await gitDir(ctx));
}

/**
 * Returns the marker of the linked worktree at `ctx.cwd`, or throws `failed` when it is not one omk
 * created: the main worktree (whatever its git dir holds), a worktree without a marker, or one whose
 * marker is unreadable.
 */
export async function assertOwnedWorktree(ctx: GitContext): Promise<WorktreeMarker> {
  const [own, common] = await Promise.all([gitDir(ctx), gitCommonDir(ctx)]);
  const hint = 'omk only changes worktrees it created (they carry .omk-worktree.json in their git dir)';
  if (path.resolve(own) === path.resolve(common)) {
    throw new OmkError('failed', `refusing to touch ${ctx.cwd}: it is the repository's main worktree`, { hint });
  }
  const read = await readMarkerAt(own);
  if (read.state === 'present') return read.marker;
  const why = read.state === 'absent' ? `has no ${MARKER_FILE}` : `has an invalid ${MARKER_FILE} (${read.problem})`;
  throw new OmkError('failed', `refusing to touch ${ctx.cwd}: the worktree ${why}`, { hint });
}
