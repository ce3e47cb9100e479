/**
 * `omk cleanup`: stale worktrees, branches and leases — never unmerged or dirty work.
 * Order: leases (one store transaction), then, under the repository's worktree lock, worktrees and
 * then branches. A dry run takes the same decisions without acting on them (docs/cleanup.md).
 */
import { isProcessAlive } from '../process/pid-alive.js';
import { listWorktrees, withWorktreeLock } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import type { Logger } from '../logger.js';
import { branchPass } from './branch-pass.js';
import type { CleanupReport } from './report.js';
import { gatherStoreFacts } from './store-facts.js';
import { worktreePass } from './worktree-pass.js';

export interface CleanupOptions {
  /** Git context at the repository's root (or any directory of it). */
  git: GitContext;
  /** `<repo>/.omk/omk.db`; when it does not exist, every goal counts as unknown and no store is created. */
  dbFile: string;
  goalsDir: string;
  /** The clock lease expiry is judged by. */
  now: () => Date;
  /** Decide and report, change nothing. @default false */
  dryRun?: boolean;
  log?: Pick<Logger, 'warn'>;
  /**
   * Whether the process named by a worktree marker's `pid` is alive on this machine.
   * @default a `kill(pid, 0)` probe (EPERM counts as alive)
   */
  isPidAlive?: (pid: number) => boolean;
}

export async function runCleanup(opts: CleanupOptions): Promise<CleanupReport> {
  const dryRun = opts.dryRun ?? false;
  const now = opts.now();
  const facts = await gatherStoreFacts({ dbFile: opts.dbFile, goalsDir: opts.goalsDir, now: opts.now, dryRun, ...(opts.log ? { log: opts.log } : {}) });
  const report: CleanupReport = { dry_run: dryRun, removed: [], kept: [], requeued: facts.requeued, pruned: [] };
  const pc = { git: opts.git, dryRun, now, facts, isPidAlive: opts.isPidAlive ?? isProcessAlive, report, gone: new Set<string>() };
  // One lock over judgement and removal: no other omk process adds or removes a worktree in between.
  await withWorktreeLock(opts.git, async () => {
    const staying = await worktreePass(pc, await listWorktrees(opts.git));
    await branchPass(pc, staying);
  });
  return report;
}


/** `kill(pid, 0)` plus a zombie check (see runtime/process/pid-alive.ts). */
export { isProcessAlive };
