import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/processes/', import.meta.url));

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** A minimal environment for children: enough to find sh, node and coreutils. */
export const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/**
 * True when `pid` is no longer a running process. A zombie counts as gone: it has exited and only
 * waits to be reaped, and some container inits (this machine's included) never reap orphans.
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true; // vanished between the two checks
  }
}

/** Polls `check` until it holds or the deadline passes; the deadline is a bound, not a timing claim. */
export async function waitFor(check: () => boolean, deadlineMs = 5000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The first number after `label` in `text`, e.g. the pid in "grandchild 123 ready". */
export function pidAfter(label: string, text: string): number | undefined {
  const match = new RegExp(`${label} (\\d+)`).exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Kills a pid left over by a failed test so it does not outlive the suite. */
export function reap(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-process-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
