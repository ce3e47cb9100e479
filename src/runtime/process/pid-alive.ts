import { readFileSync } from 'node:fs';

/**
 * Whether a process exists and is running. `kill(pid, 0)` says it exists (EPERM: it exists but is
 * not ours); on Linux a zombie — exited, not yet reaped by its parent — still answers that, so its
 * state in /proc is checked too: a killed lock holder or controller must count as gone.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // no /proc (not Linux) or it just went away: trust kill(0)
  }
  // `pid (comm) S …`: comm may contain spaces and parentheses, so read the state after the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
