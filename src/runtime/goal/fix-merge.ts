import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAncestor, runGit, type GitContext } from '../git/index.js';

/**
 * A conflict fix task starts from the integration head with the conflicting slice merged in and its
 * conflict markers left in the files: the agent resolves them, omk commits the merge. Done once per
 * worktree state — not when the slice is already merged (an earlier attempt committed it) or a merge
 * is in progress. Returns the paths git left conflicted.
 */
export async function mergeSliceIntoFixWorktree(git: GitContext, mergeFrom: string, taskId: string): Promise<string[]> {
  const gitDir = (await runGit(git, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
  if (existsSync(path.join(gitDir, 'MERGE_HEAD'))) return [];
  if (await isAncestor(git, mergeFrom, 'HEAD')) return [];
  await runGit(git, ['merge', '--no-ff', '--no-commit', '-m', `omk: ${taskId} merges ${mergeFrom.slice(0, 12)}`, mergeFrom], { okCodes: [0, 1] });
  const conflicted = await runGit(git, ['diff', '--name-only', '--diff-filter=U', '-z']);
  return conflicted.stdout.split('\0').filter(Boolean);
}

/**
 * A task that depends on others starts from their work: its new worktree (on the pinned base) merges
 * each dependency's branch, in graph order, before the first attempt — each dependency's branch already
 * holds its own dependencies. A dependency that does not merge cleanly is left out (the integration
 * train reports that conflict); returns the ids merged and left out.
 */
export async function mergeDependencies(git: GitContext, branches: ReadonlyArray<{ id: string; branch: string }>): Promise<{ merged: string[]; conflicted: string[] }> {
  const out = { merged: [] as string[], conflicted: [] as string[] };
  for (const dep of branches) {
    const r = await runGit(git, ['merge', '--no-ff', '--no-edit', '-m', `omk: start from ${dep.id}`, dep.branch], { okCodes: [0, 1] });
    if (r.exitCode === 0) out.merged.push(dep.id);
    else {
      await runGit(git, ['merge', '--abort'], { okCodes: [0, 128] });
      out.conflicted.push(dep.id);
    }
  }
  return out;
}

/** Files (of `paths`, relative to `root`) that still hold git conflict markers: a `<<<<<<< ` and a `>>>>>>> ` line. */
export async function filesWithConflictMarkers(root: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const rel of paths) {
    let text: string;
    try {
      const file = path.join(root, rel);
      if ((await stat(file)).size > 2 * 1024 * 1024) continue;
      text = await readFile(file, 'utf8');
    } catch {
      continue; // deleted, or not a regular file
    }
    if (/^<{7}(?: |$)/m.test(text) && /^>{7}(?: |$)/m.test(text)) out.push(rel);
  }
  return out;
}
