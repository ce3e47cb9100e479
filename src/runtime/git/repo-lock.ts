/**
 * Serialises worktree administration (add, remove, prune, list) per repository. git's own
 * `worktree add` is not safe against a concurrent one: while one admin dir is half-written, another
 * `add` or `list` reading it dies with "failed to read .git/worktrees/<id>/commondir". Parallel slices
 * create worktrees at once, so omk takes this lock around every such command:
 * an in-process queue per common dir, plus `<common>/omk-worktrees.lock` (O_EXCL, holding the pid)
 * for other omk processes on the same repository. A lock whose pid is gone is taken over.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { open, readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '../process/pid-alive.js';
import { setTimeout as delay } from 'node:timers/promises';
import { OmkError } from '../../core/errors.js';
import { gitCommonDir } from './repo.js';
import type { GitContext } from './run-git.js';

export const LOCK_FILE = 'omk-worktrees.lock';
/** How long to wait for another process's lock before giving up (retryable). */
const LOCK_WAIT_MS = 60_000;

const queues = new Map<string, Promise<unknown>>();
/** The common dirs whose lock the current async call chain holds: re-entry runs at once. */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `fn` holding the worktree-administration lock of the repository at `ctx.cwd`. Re-entrant
 * within one call chain (an `onAbandon` recorder may list worktrees while removal holds the lock).
 */
export interface WorktreeLockOptions {
  /** Called each time the lock file is found held by another live process (diagnostics, tests). */
  onBusy?: (ownerPid: number | undefined) => void;
}

export async function withWorktreeLock<T>(ctx: GitContext, fn: () => Promise<T>, opts: WorktreeLockOptions = {}): Promise<T> {
  const dir = await gitCommonDir(ctx);
  const common = await realpath(dir).catch(() => path.resolve(dir));
  const mine = held.getStore() ?? new Set<string>();
  if (mine.has(common)) return fn();
  const locked = () => held.run(new Set([...mine, common]), () => withFileLock(path.join(common, LOCK_FILE), fn, opts));
  const previous = queues.get(common) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(locked);
  const tail = run.catch(() => undefined);
  queues.set(common, tail);
  try {
    return await run;
  } finally {
    // Drop the entry once nothing is queued behind us, so the map does not grow per repository.
    if (queues.get(common) === tail) queues.delete(common);
  }
}

async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: WorktreeLockOptions): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    const owner = await tryAcquire(file);
    if (owner === 'acquired') break;
    opts.onBusy?.(owner);
    if (Date.now() > deadline) {
      throw new OmkError('io', `timed out waiting for ${file}`, {
        hint: 'another omk process is creating or removing worktrees; if none is running, delete the lock file',
        retryable: true,
      });
    }
    await delay(wait);
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

/** 'acquired', or the pid holding the lock (undefined while it is being written or was stale). */
async function tryAcquire(file: string): Promise<'acquired' | number | undefined> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return 'acquired';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  // An empty file is a lock being written right now; only a named, dead owner is stale.
  if (!Number.isInteger(owner) || owner <= 0) return undefined;
  if (owner !== process.pid && !isProcessAlive(owner)) {
    await rm(file, { force: true });
    return undefined;
  }
  return owner;
}
