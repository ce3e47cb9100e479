/**
 * The copying half of a worktree bootstrap: walk the main checkout for paths `.omk/worktree-include`
 * selects, copy them into the new worktree (mode kept, nothing overwritten, symlinks only when they stay
 * inside the repository), then make sure git ignores every copied path there, so a copied `.env`
 * never lands in a diff or a commit — whether omk or the agent runs `git add -A`.
 */
import { appendFile, chmod, copyFile, constants, lstat, mkdir, readdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { excludeLineFor, isIncluded, isNeverCopied, mayIncludeUnder, type IncludePattern } from '../../core/worktree/include.js';
import { infoExcludePath, runGit, splitNul, withWorktreeLock } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import { readTextIfExists } from './goal-dir.js';

export interface Skipped {
  path: string;
  reason: string;
}

export interface CopyRequest {
  mainRoot: string;
  worktree: string;
  patterns: readonly IncludePattern[];
  /** Absolute directories never walked (the worktrees root and goals dir when they sit in the repo). */
  skipDirs: readonly string[];
}

export interface CopyResult {
  copied: string[];
  skipped: Skipped[];
  /** `path: message` for files that could not be read or written. */
  errors: string[];
}

interface Found {
  rel: string;
  kind: 'file' | 'symlink' | 'other' | 'unreadable';
  note?: string;
}

export async function copyIncluded(req: CopyRequest): Promise<CopyResult> {
  const out: CopyResult = { copied: [], skipped: [], errors: [] };
  const found: Found[] = [];
  await walk(req, '', new Set(req.skipDirs.map((d) => path.resolve(d))), found);
  const roots = [...new Set([path.resolve(req.mainRoot), await realpath(req.mainRoot)])];
  const wtReal = await realpath(req.worktree);
  for (const f of found.sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    const src = path.join(req.mainRoot, ...f.rel.split('/'));
    const dst = path.join(req.worktree, ...f.rel.split('/'));
    try {
      if (f.kind === 'other' || f.kind === 'unreadable') {
        out.skipped.push({ path: f.rel, reason: f.note ?? 'not a regular file or symlink' });
        continue;
      }
      if (await exists(dst)) {
        out.skipped.push({ path: f.rel, reason: 'already in the worktree (tracked at the base commit); not overwritten' });
        continue;
      }
      await mkdir(path.dirname(dst), { recursive: true });
      // A tracked symlinked directory on the way could lead the copy out of the worktree.
      if (!inside(await realpath(path.dirname(dst)), [wtReal])) {
        out.skipped.push({ path: f.rel, reason: 'its directory in the worktree leads outside the worktree' });
        continue;
      }
      if (f.kind === 'symlink') {
        const target = await linkTarget(src, f.rel, roots);
        if (typeof target !== 'string') {
          out.skipped.push({ path: f.rel, reason: target.reason });
          continue;
        }
        await symlink(target, dst);
      } else {
        await copyFile(src, dst, constants.COPYFILE_EXCL);
        await chmod(dst, (await lstat(src)).mode & 0o777);
      }
      out.copied.push(f.rel);
    } catch (error) {
      out.errors.push(`${f.rel}: ${(error as Error).message}`);
    }
  }
  return out;
}

/** Depth-first over the main checkout, descending only where a pattern may match. */
async function walk(req: CopyRequest, rel: string, skip: ReadonlySet<string>, found: Found[]): Promise<void> {
  const dir = path.join(req.mainRoot, ...rel.split('/').filter(Boolean));
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // A directory a pattern reaches into but omk cannot list: said, not fatal (`**/.env` must not trip on it).
    found.push({ rel, kind: 'unreadable', note: `directory cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return;
  }
  // A nested repository, submodule or linked worktree is not part of this checkout's files.
  if (rel !== '' && entries.some((e) => e.name === '.git')) return;
  for (const e of entries) {
    const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
    if (isNeverCopied(childRel)) continue;
    if (e.isDirectory()) {
      if (skip.has(path.join(dir, e.name))) continue;
      if (mayIncludeUnder(req.patterns, childRel)) await walk(req, childRel, skip, found);
    } else if (isIncluded(req.patterns, childRel, false)) {
      found.push({ rel: childRel, kind: e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other' });
    }
  }
}

/** The link text to create in the worktree, or why the link is not copied. Absolute targets become relative. */
async function linkTarget(src: string, rel: string, roots: readonly string[]): Promise<string | { reason: string }> {
  const text = await readlink(src);
  const resolved = path.resolve(path.dirname(src), text);
  const root = roots.find((r) => inside(resolved, [r]));
  if (root === undefined) return { reason: `symlink to ${text} points outside the repository; not copied` };
  const relTarget = path.relative(root, resolved).split(path.sep).join('/');
  if (relTarget !== '' && isNeverCopied(relTarget)) return { reason: `symlink to ${text} points into .git or .omk; not copied` };
  if (!path.isAbsolute(text)) return text;
  // An absolute link into the main checkout would lead the worktree back there: point at its own copy.
  return path.posix.relative(path.posix.dirname(rel), relTarget) || '.';
}

function inside(p: string, roots: readonly string[]): boolean {
  return roots.some((r) => p === r || p.startsWith(r + path.sep));
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

export interface KeptOut {
  /** Paths appended to the repository's info/exclude. */
  excluded: string[];
  /** Paths git still would not ignore (odd names); the caller must not leave them there. */
  visible: string[];
}

export const EXCLUDE_COMMENT = '# omk: local files copied into omk worktrees (.omk/worktree-include)';

/**
 * Makes git ignore every copied path in the worktree. git reads one info/exclude for all worktrees of a
 * repository (there is no per-worktree one), so the anchored lines go there; they also hide these
 * local-only files from `git status` in the main checkout, which is what listing them meant.
 */
export async function keepOutOfGit(main: GitContext, wt: GitContext, paths: readonly string[]): Promise<KeptOut> {
  if (paths.length === 0) return { excluded: [], visible: [] };
  const first = await notIgnored(wt, paths);
  if (first.length === 0) return { excluded: [], visible: [] };
  const excluded = await withWorktreeLock(main, async () => {
    const file = await infoExcludePath(main);
    const text = (await readTextIfExists(file)) ?? '';
    const present = new Set(text.split(/\r?\n/));
    const lines = first.map(excludeLineFor).filter((l) => !present.has(l));
    if (lines.length > 0) {
      const lead = text === '' || text.endsWith('\n') ? '' : '\n';
      const comment = present.has(EXCLUDE_COMMENT) ? [] : [EXCLUDE_COMMENT];
      await mkdir(path.dirname(file), { recursive: true });
      // Appended, never rewritten: the user's own lines stay as they are.
      await appendFile(file, `${lead}${[...comment, ...lines].join('\n')}\n`);
    }
    return first;
  });
  const still = await notIgnored(wt, paths);
  return { excluded: excluded.filter((p) => !still.includes(p)), visible: still };
}

/** Deletes copied files (never directories) from the worktree again. */
export async function removeCopies(worktree: string, rels: readonly string[]): Promise<void> {
  for (const rel of rels) await rm(path.join(worktree, ...rel.split('/')), { force: true });
}

/** The paths `git check-ignore` does not report as ignored in the worktree. */
async function notIgnored(wt: GitContext, paths: readonly string[]): Promise<string[]> {
  const result = await runGit(wt, ['check-ignore', '-z', '--stdin'], { input: `${paths.join('\0')}\0`, okCodes: [0, 1] });
  const ignored = new Set(splitNul(result.stdout));
  return paths.filter((p) => !ignored.has(p));
}
