import type { ContainmentMode } from '../../core/config/types.js';
import { probeBwrap } from '../containment/probe.js';
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

/** Which protection keeps agents in their worktree: bubblewrap, or the approval policy alone (and why). */
export async function checkContainment(mode: ContainmentMode, env: Readonly<Record<string, string | undefined>>): Promise<DoctorCheck> {
  const id = 'containment';
  if (mode === 'off') return { id, group: 'system', status: 'warn', detail: 'containment off: the approval policy alone keeps agents in their worktree', fix: 'set [containment] mode = "auto" (docs/security.md)' };
  const probe = await probeBwrap(env);
  if (probe.available) return { id, group: 'system', status: 'ok', detail: `containment active: agents and gates run under bubblewrap (${probe.bwrap ?? 'bwrap'}), read-only outside the worktree` };
  return {
    id,
    group: 'system',
    status: mode === 'bwrap' ? 'fail' : 'warn',
    detail: `containment unavailable, approval policy only: ${probe.detail}`,
    fix: 'install bubblewrap and allow unprivileged user namespaces (docs/security.md)',
  };
}
