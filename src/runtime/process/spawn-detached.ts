import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface DetachedChild {
  pid: number | undefined;
  /** Set once the child exited (or could not start); undefined while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts a process that outlives this one (`omk goal run --detach`): its own session and process
 * group, stdin closed, stdout and stderr appended to `logFile`, not waited for. The one place omk
 * starts a child it does not manage (every other child goes through runProcess / spawnManaged).
 */
export function spawnDetached(command: string, args: readonly string[], options: { cwd: string; env: Readonly<Record<string, string | undefined>>; logFile: string }): DetachedChild {
  const fd = openSync(options.logFile, 'a');
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  try {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...options.env }, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => (exited ??= { code: null, signal: null }));
    child.on('exit', (code, signal) => (exited ??= { code, signal }));
    child.unref();
    return { pid: child.pid, exited: () => exited };
  } finally {
    closeSync(fd);
  }
}
