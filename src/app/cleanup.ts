import type { CleanupReport } from '../runtime/cleanup/index.js';
import type { AppContext } from './context.js';
import { repoPaths } from './repo.js';

export type { CleanupReport, KeptItem, RemovedItem } from '../runtime/cleanup/index.js';

/** `cleanup`: removes omk's stale worktrees and branches and re-queues expired leases; never dirty or unmerged work (docs/cleanup.md). */
export async function cleanupRepository(ctx: AppContext, opts: { dryRun?: boolean } = {}): Promise<CleanupReport> {
  const { repoRoot, dbFile, goalsDir } = repoPaths(ctx);
  const { runCleanup } = await import('../runtime/cleanup/index.js');
  return runCleanup({ git: { cwd: repoRoot, env: ctx.env, signal: ctx.signal }, dbFile, goalsDir, now: ctx.now, dryRun: opts.dryRun === true, log: ctx.log });
}
