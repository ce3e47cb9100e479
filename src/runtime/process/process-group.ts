/**
 * Signals to whole process groups. Every child is started with `detached: true`, so it leads a
 * group whose id is its pid, and `kill(-pid)` reaches its grandchildren too (execa and tinyexec
 * signal only the direct child, which is why omk has its own wrapper).
 */

export type GroupSignal = 'SIGTERM' | 'SIGKILL';

/**
 * Sends `signal` to the group led by `pid`. Returns false when the group no longer exists (ESRCH);
 * that is the normal end of a race with the children exiting, so it is not an error. EPERM (a
 * member we may not signal, e.g. setuid) is also swallowed: there is nothing more we can do.
 */
export function signalGroup(pid: number, signal: GroupSignal): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw error;
  }
}

// Groups still running, so that they are not left behind if omk itself exits abruptly.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' runs on process.exit() and on a normal end; SIGINT/SIGTERM handlers belong to the
    // CLI, which should cancel runs through their AbortSignal instead.
    process.once('exit', killTrackedGroups);
  }
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** SIGKILLs every group still tracked. Synchronous: it runs inside process 'exit'. */
export function killTrackedGroups(): void {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  liveGroups.clear();
}
