import { OmkError } from '../core/errors.js';
import { ensureOmkExcluded } from '../runtime/config/git-exclude.js';
import { newOwnerId } from '../runtime/goal/owner.js';
import { runWorker } from '../runtime/goal/worker.js';
import type { AppContext } from './context.js';
import { withRepoStore } from './repo.js';
import { goalRuntime } from './runtime.js';

export interface WorkerOptions {
  goal?: string;
  engine?: string;
  store?: string;
  /** Exit after this long with nothing to claim; -1: until stopped. */
  idleExitMs: number;
  onStart?: (owner: string, goalId: string | undefined) => void;
  onAttempt?: (goalId: string, taskId: string, result: string) => void;
}

/**
 * `omk worker`: claims ready tasks of running goals in this repository's store and runs them, one
 * attempt at a time (docs/parallel.md). Each counts against the goal's --max-agents.
 */
export async function runTaskWorker(ctx: AppContext, opts: WorkerOptions): Promise<{ owner: string; attempts: number; reason: string }> {
  if (opts.store !== undefined && !/^(sqlite:)?[^:]*$/.test(opts.store)) {
    throw new OmkError('usage', `--store ${opts.store}: only this repository's SQLite store is supported`, {
      hint: 'run omk worker inside the repository (PostgreSQL stores for workers on other machines are not available in this omk)',
    });
  }
  // Workers may start before the first goal: the store is created (and .omk/ kept out of git) as `goal run` would.
  return withRepoStore(ctx, 'create', async (store, paths) => {
    await ensureOmkExcluded(paths.repoRoot, ctx.env);
    const goalId = opts.goal === undefined ? undefined : (await store.resolveGoal(opts.goal)).id;
    const owner = newOwnerId('worker');
    const { rt } = await goalRuntime(ctx, store, paths, opts.engine, { owner });
    opts.onStart?.(owner, goalId);
    const summary = await runWorker(rt, { ...(goalId ? { goalId } : {}), idleExitMs: opts.idleExitMs, ...(opts.onAttempt ? { onAttempt: opts.onAttempt } : {}) });
    return { owner, attempts: summary.attempts, reason: summary.reason };
  });
}
