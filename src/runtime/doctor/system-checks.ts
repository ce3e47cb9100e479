import { runProcess } from '../process/index.js';
import type { DoctorCheck } from './check.js';

const MIN_NODE: readonly [number, number] = [20, 19];

export function checkNode(version: string = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok
    ? { id: 'node', group: 'system', status: 'ok', detail: `Node ${version}` }
    : {
        id: 'node',
        group: 'system',
        status: 'fail',
        detail: `Node ${version} is older than ${MIN_NODE.join('.')}`,
        fix: `install Node ${MIN_NODE.join('.')} or newer`,
      };
}

export async function checkGit(env: Record<string, string>): Promise<DoctorCheck> {
  const r = await runProcess({ command: 'git', args: ['--version'], env, timeoutMs: 10_000 });
  if (r.spawnError) {
    return {
      id: 'git',
      group: 'system',
      status: 'fail',
      detail: `git not found (${r.spawnError.code})`,
      fix: 'install git (omk keeps every agent in its own git worktree)',
    };
  }
  if (r.exitCode !== 0) {
    return { id: 'git', group: 'system', status: 'fail', detail: `git --version exited ${r.exitCode}`, fix: 'repair the git installation' };
  }
  return { id: 'git', group: 'system', status: 'ok', detail: r.stdout.trim() };
}

/** Loads the native SQLite binding and opens an in-memory database with WAL-capable SQLite. */
export async function checkSqlite(): Promise<DoctorCheck> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    const row = db.prepare('select sqlite_version() as v').get() as { v: string };
    db.close();
    return { id: 'sqlite', group: 'system', status: 'ok', detail: `SQLite ${row.v} (better-sqlite3)` };
  } catch (error) {
    return {
      id: 'sqlite',
      group: 'system',
      status: 'fail',
      detail: `the SQLite binding does not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      fix: 'run `npm rebuild better-sqlite3` (needs python3, make and a C++ compiler)',
    };
  }
}
