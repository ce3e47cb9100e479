import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GATE_TIMEOUT_MS, type GateSpec } from '../../../src/core/gates/spec.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/gates/', import.meta.url));

/** A gate fixture's absolute path, shell-quoted for a gate command. */
export function fixture(name: string): string {
  return `'${path.join(FIXTURES, name)}'`;
}

export function fixtureDir(name: string): string {
  return path.join(FIXTURES, name);
}

/** What gates inherit in tests: enough to find sh, node and git. */
export const parentEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

export function spec(name: string, command: string, over: Partial<GateSpec> = {}): GateSpec {
  return { name, command, cwd: '.', timeoutMs: DEFAULT_GATE_TIMEOUT_MS, required: true, env: {}, source: 'config', why: 'test', ...over };
}

export interface GitRepo {
  dir: string;
  git(...args: string[]): string;
  write(file: string, text: string): void;
  /** Lines in a counter file (how many times a counting gate really ran). */
  count(file: string): number;
  cleanup(): void;
}

/** A real repository in a temp dir with one commit. */
export function gitRepo(): GitRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-gates-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: parentEnv.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
    });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  writeFileSync(path.join(dir, 'README.md'), 'hello\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  return {
    dir,
    git,
    write: (file, text) => writeFileSync(path.join(dir, file), text),
    count: (file) => {
      try {
        return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function storeIn(dir: string, now?: () => Date): Promise<SqliteStore> {
  return openStore({ dbFile: path.join(dir, '.omk', 'omk.db'), goalsDir: path.join(dir, '.omk', 'goals'), ...(now ? { now } : {}) });
}
