/** What changed: between two commits (evidence, review) and in a working tree (write-set checks). */
import { assertRefArgument } from './repo.js';
import { runGit, splitNul } from './run-git.js';
import type { GitContext } from './run-git.js';
import { workingTreeSha } from './tree.js';
import type { WorkingTreeShaOptions } from './tree.js';

/** A: added, M: modified, D: deleted, R: renamed, C: copied, T: type changed (file ↔ symlink). */
export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

export interface ChangedFile {
  status: ChangeStatus;
  /** The path after the change (for D, the deleted path). */
  path: string;
  /** The path before a rename or copy. */
  oldPath?: string;
}

export interface FileNumstat {
  path: string;
  oldPath?: string;
  /** Lines added; undefined for a binary file. */
  additions: number | undefined;
  deletions: number | undefined;
  binary: boolean;
}

/** The `--stat` totals. */
export interface DiffStat {
  filesChanged: number;
  insertions: number;
  deletions: number;
}

export interface DiffResult {
  from: string;
  to: string;
  /** Unified diff text (`a/` `b/` prefixes, renames detected). */
  patch: string;
  /** True when the patch went past `maxPatchBytes` and only its head and tail were kept. */
  patchTruncated: boolean;
  files: Array<ChangedFile & { additions: number | undefined; deletions: number | undefined; binary: boolean }>;
  stat: DiffStat;
}

export interface DiffOptions {
  /**
   * Lines of context in the patch.
   * @default 3
   */
  context?: number;
  /**
   * Cap on the patch text kept; past it the head and tail are kept and `patchTruncated` is set.
   * @default 16777216 (16 MiB)
   */
  maxPatchBytes?: number;
}

/**
 * Options that make output independent of the user's diff configuration (external diff drivers,
 * textconv, colour, prefixes, rename settings).
 */
const STABLE = ['--no-ext-diff', '--no-textconv', '--no-color', '--find-renames', '--src-prefix=a/', '--dst-prefix=b/'];

/** The change from commit `from` to commit `to`: patch, per-file statuses and numbers, totals. */
export async function diffBetween(ctx: GitContext, from: string, to: string, opts: DiffOptions = {}): Promise<DiffResult> {
  assertRefArgument(from);
  assertRefArgument(to);
  const [patch, files, numbers] = await Promise.all([
    runGit(ctx, ['diff', ...STABLE, `--unified=${opts.context ?? 3}`, from, to, '--'], {
      maxOutputBytes: opts.maxPatchBytes ?? 16 * 1024 * 1024,
      allowTruncated: true,
    }),
    nameStatus(ctx, [from, to]),
    numstat(ctx, from, to),
  ]);
  const byPath = new Map(numbers.map((n) => [n.path, n]));
  const merged = files.map((f) => {
    const n = byPath.get(f.path);
    return { ...f, additions: n?.additions, deletions: n?.deletions, binary: n?.binary ?? false };
  });
  return { from, to, patch: patch.stdout, patchTruncated: patch.stdoutTruncated, files: merged, stat: statOf(numbers) };
}

/** The files changed between two commits, with statuses, renames detected. */
export function changedBetween(ctx: GitContext, from: string, to: string): Promise<ChangedFile[]> {
  assertRefArgument(from);
  assertRefArgument(to);
  return nameStatus(ctx, [from, to]);
}

/** `git diff --numstat` between two commits: lines added and deleted per file (renames detected). */
export async function numstat(ctx: GitContext, from: string, to: string): Promise<FileNumstat[]> {
  assertRefArgument(from);
  assertRefArgument(to);
  const parts = splitNul((await runGit(ctx, ['diff', ...STABLE, '--numstat', '-z', from, to, '--'])).stdout);
  const out: FileNumstat[] = [];
  for (let i = 0; i < parts.length; i++) {
    // `ADD\tDEL\tPATH`, or for a rename `ADD\tDEL\t` followed by OLD and NEW as their own fields.
    const [add = '', del = '', inline = ''] = parts[i]!.split('\t');
    const binary = add === '-' && del === '-';
    const entry: FileNumstat = {
      path: inline,
      additions: binary ? undefined : Number(add),
      deletions: binary ? undefined : Number(del),
      binary,
    };
    if (inline === '') {
      entry.oldPath = parts[++i] ?? '';
      entry.path = parts[++i] ?? '';
    }
    out.push(entry);
  }
  return out;
}

/** Totals over numstat entries, counted as `git diff --stat` does (binary files add no lines). */
export function statOf(numbers: readonly FileNumstat[]): DiffStat {
  return {
    filesChanged: numbers.length,
    insertions: numbers.reduce((sum, n) => sum + (n.additions ?? 0), 0),
    deletions: numbers.reduce((sum, n) => sum + (n.deletions ?? 0), 0),
  };
}

export interface WorkingTreeChanges {
  /** The tree sha of the working tree the answer is about (see workingTreeSha). */
  tree: string;
  /** Sorted by path. */
  files: ChangedFile[];
}

/**
 * Every path where the working tree at `ctx.cwd`, as it is on disk, differs from commit `base`:
 * committed since base, staged, unstaged and untracked non-ignored files alike — what a write-set
 * check needs, since an agent's edit counts whether or not it was committed or even added. Computed
 * as the diff from base to the working tree's tree sha, so renames are detected across untracked
 * files and the answer is tied to the tree gate evidence is keyed by. The user's index is not touched.
 */
export async function workingTreeChanges(ctx: GitContext, base: string, opts: WorkingTreeShaOptions = {}): Promise<WorkingTreeChanges> {
  assertRefArgument(base);
  const tree = await workingTreeSha(ctx, opts);
  const files = await nameStatus(ctx, [base, tree]);
  return { tree, files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/** `git diff --name-status -z` between two revisions. */
async function nameStatus(ctx: GitContext, revs: [string, string]): Promise<ChangedFile[]> {
  const parts = splitNul((await runGit(ctx, ['diff', ...STABLE, '--name-status', '-z', ...revs, '--'])).stdout);
  const out: ChangedFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const letter = parts[i]!.charAt(0) as ChangeStatus | 'U' | 'X';
    if (letter === 'R' || letter === 'C') {
      const oldPath = parts[++i] ?? '';
      out.push({ status: letter, oldPath, path: parts[++i] ?? '' });
    } else {
      // U (unmerged) and X (unknown) are reported as modified: the path changed either way.
      out.push({ status: letter === 'U' || letter === 'X' ? 'M' : letter, path: parts[++i] ?? '' });
    }
  }
  return out;
}
