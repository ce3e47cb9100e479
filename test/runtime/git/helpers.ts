import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GitContext } from '../../../src/runtime/git/index.js';

/** A temp dir with a real repository in `repo/` (branch `main`, two commits, a .gitignore). */
export interface Sandbox {
  dir: string;
  repo: string;
  env: Record<string, string>;
  ctx: GitContext;
  /** Runs git in `cwd` (default: the repo) for test setup and inspection; returns trimmed stdout. */
  git: (args: string[], cwd?: string) => string;
  /** Writes files relative to `cwd` (default: the repo), creating parents. */
  write: (files: Record<string, string>, cwd?: string) => void;
  /** Writes, adds everything and commits in `cwd`; returns the new sha. */
  commit: (message: string, files: Record<string, string>, cwd?: string) => string;
  cleanup: () => void;
}

export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-git-'));
  const repo = path.join(dir, 'repo');
  mkdirSync(path.join(dir, 'home'));
  mkdirSync(path.join(dir, 'tmp'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    TMPDIR: path.join(dir, 'tmp'),
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const git = (args: string[], cwd = repo): string =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgSign=false', ...args], {
      cwd,
      env: { ...env, LC_ALL: 'C' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  const write = (files: Record<string, string>, cwd = repo): void => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
      writeFileSync(path.join(cwd, name), text);
    }
  };
  const commit = (message: string, files: Record<string, string>, cwd = repo): string => {
    write(files, cwd);
    git(['add', '-A'], cwd);
    git(['commit', '-q', '-m', message], cwd);
    return git(['rev-parse', 'HEAD'], cwd);
  };
  git(['init', '-q', '-b', 'main', repo], dir);
  commit('first', { 'README.md': 'hello\n', '.gitignore': 'ignored/\n*.log\n' });
  commit('second', { 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' });
  return {
    dir,
    repo,
    env,
    ctx: { cwd: repo, env },
    git,
    write,
    commit,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
