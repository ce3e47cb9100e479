/**
 * Keeps omk's local state out of `git status` without touching the user's .gitignore: lines go to
 * the repository's info/exclude. config.toml is re-included because teams may commit it.
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';

export const EXCLUDE_COMMENT = '# omk: local state (.omk/config.toml may be committed)';
/** `.omk/` stays out of git except what a team shares: the project config and the worktree include list. */
export const EXCLUDE_LINES: readonly string[] = ['/.omk/*', '!/.omk/config.toml', '!/.omk/worktree-include'];

function git(args: string[], cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...env }, timeout: 10_000, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new OmkError('binary_missing', 'git was not found on PATH', { hint: 'install git', cause: error }));
      } else {
        reject(new OmkError('io', `git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || error.message}`, { cause: error }));
      }
    });
  });
}

/** The exclude file git reads for this work tree (the common one for linked worktrees). */
export async function gitExcludeFile(repoRoot: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const out = (await git(['rev-parse', '--git-path', 'info/exclude'], repoRoot, env)).trim();
  return path.resolve(repoRoot, out);
}

export interface ExcludeResult {
  file: string;
  /** Lines appended by this call; empty when they were all already there. */
  added: string[];
}

/** Appends the missing exclude lines. Idempotent: present lines are never duplicated. */
export async function ensureOmkExcluded(
  repoRoot: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ExcludeResult> {
  const file = await gitExcludeFile(repoRoot, env);
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const added = EXCLUDE_LINES.filter((l) => !present.has(l));
  if (added.length === 0) return { file, added };
  const lead = text === '' || text.endsWith('\n') ? '' : '\n';
  const comment = present.has(EXCLUDE_COMMENT) ? [] : [EXCLUDE_COMMENT];
  await mkdir(path.dirname(file), { recursive: true });
  // Append, not rewrite: whatever else the user keeps in the file is left alone.
  await appendFile(file, `${lead}${[...comment, ...added].join('\n')}\n`);
  return { file, added };
}
