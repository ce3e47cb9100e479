import { lstat, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a path really lands on disk, symlinks followed, for paths that may not exist yet: the deepest
 * existing ancestor is resolved and the rest appended. A dangling symlink is followed too, because
 * writing through it creates its target.
 */

const MAX_LINKS = 40;

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : undefined;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

export async function resolveReal(p: string, links = 0): Promise<string> {
  if (links > MAX_LINKS) throw Object.assign(new Error(`too many symbolic links resolving ${p}`), { code: 'ELOOP' });
  try {
    return await realpath(p);
  } catch (error) {
    if (!MISSING.has(codeOf(error) ?? '')) throw error;
  }
  try {
    const stat = await lstat(p);
    if (stat.isSymbolicLink()) {
      const target = await readlink(p);
      return await resolveReal(path.resolve(path.dirname(p), target), links + 1);
    }
  } catch (error) {
    if (!MISSING.has(codeOf(error) ?? '')) throw error;
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  return path.join(await resolveReal(parent, links), path.basename(p));
}

/** The entry itself stays (deleting a symlink removes the link), its directory is resolved. */
export async function resolveRealParent(p: string): Promise<string> {
  const parent = path.dirname(p);
  if (parent === p) return p;
  return path.join(await resolveReal(parent), path.basename(p));
}

/** The branch checked out in `dir` (`HEAD` when detached), read from git's files; undefined when unknown. */
export async function readCurrentBranch(dir: string): Promise<string | undefined> {
  try {
    let gitDir = path.join(dir, '.git');
    const dotGit = await lstat(gitDir);
    if (dotGit.isFile()) {
      // A worktree's .git is a file: `gitdir: /repo/.git/worktrees/NAME`.
      const text = await readFile(gitDir, 'utf8');
      const match = /^gitdir:\s*(.+)$/m.exec(text);
      if (!match) return undefined;
      gitDir = path.resolve(dir, match[1]!.trim());
    }
    const head = (await readFile(path.join(gitDir, 'HEAD'), 'utf8')).trim();
    const ref = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
    if (ref) return ref[1]!;
    return /^[0-9a-f]{40,64}$/.test(head) ? 'HEAD' : undefined;
  } catch {
    return undefined;
  }
}
