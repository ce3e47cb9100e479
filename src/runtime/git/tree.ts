/**
 * Tree shas: the content address gate evidence is keyed by. Two runs over the same files give the same
 * tree sha, whatever the commits, timestamps or index state around them.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { assertRefArgument } from './repo.js';
import { gitLine } from './run-git.js';
import type { GitContext } from './run-git.js';

/** The tree of the commit `ref` names. */
export async function treeOf(ctx: GitContext, ref: string): Promise<string> {
  assertRefArgument(ref);
  return gitLine(ctx, ['rev-parse', '--verify', `${ref}^{tree}`]);
}

/** The tree of HEAD's commit. */
export function headTreeSha(ctx: GitContext): Promise<string> {
  return treeOf(ctx, 'HEAD');
}

export interface WorkingTreeShaOptions {
  /**
   * Where the temporary index lives while it is built.
   * @default the `TMPDIR` of `ctx.env`, else the OS temp dir
   */
  tempDir?: string;
}

/**
 * The tree sha of the working tree as it is on disk, uncommitted and untracked (non-ignored) files
 * included. Built in a temporary index (`GIT_INDEX_FILE`, seeded from a copy of the real one so stat
 * data spares re-hashing) with `git add -A` + `git write-tree`: the user's index is never written.
 * Side effect: the blobs and trees are written to the object store, so the sha can be checked out later.
 */
export async function workingTreeSha(ctx: GitContext, opts: WorkingTreeShaOptions = {}): Promise<string> {
  const top = await gitLine(ctx, ['rev-parse', '--show-toplevel']);
  const realIndex = path.resolve(ctx.cwd, await gitLine(ctx, ['rev-parse', '--git-path', 'index']));
  const dir = await mkdtemp(path.join(opts.tempDir ?? ctx.env.TMPDIR ?? tmpdir(), 'omk-index-'));
  const tempIndex = path.join(dir, 'index');
  try {
    await copyFile(realIndex, tempIndex).catch((error: NodeJS.ErrnoException) => {
      // A repository without commits or staged files has no index yet: start from an empty one.
      if (error.code !== 'ENOENT') {
        throw new OmkError('io', `could not copy ${realIndex}: ${error.message}`, { cause: error });
      }
    });
    const sub = { ...ctx, cwd: top };
    const extraEnv = { GIT_INDEX_FILE: tempIndex };
    await gitLine(sub, ['add', '-A', '--', '.'], { extraEnv });
    return await gitLine(sub, ['write-tree'], { extraEnv });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
