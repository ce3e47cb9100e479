import path from 'node:path';
import { cleanupRepository, type CleanupReport, type KeptItem, type RemovedItem } from '../../app/cleanup.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `omk cleanup [--dry-run] [--json]`: removes omk's stale worktrees and branches, re-queues expired
 * leases, and lists what it kept and why. Exit 0 whatever was kept (keeping is the safe outcome).
 */
export async function cleanupCommand(ctx: CliContext, opts: { dryRun?: boolean; json?: boolean }): Promise<number> {
  const report = await cleanupRepository(ctx, { dryRun: opts.dryRun === true });
  const repoRoot = ctx.paths.repoRoot ?? ctx.cwd;
  if (opts.json === true) writeJson(ctx, report);
  else printReport(ctx, report, repoRoot);
  return EXIT.ok;
}

function printReport(ctx: CliContext, report: CleanupReport, root: string): void {
  const rel = (p: string) => {
    const r = path.relative(root, p);
    return r === '' || r.startsWith('..') || path.isAbsolute(r) ? p : r;
  };
  const would = report.dry_run;
  if (would) writeLine(ctx, 'dry run: nothing was changed');
  for (const item of report.removed) writeLine(ctx, `${would ? 'would remove' : 'removed'}  ${describeRemoved(item, rel)}`);
  for (const p of report.pruned) {
    writeLine(ctx, `${would ? 'would prune' : 'pruned'}  worktree ${rel(p.path)}: ${p.detail} (git's record of it ${would ? 'would be' : 'was'} dropped)`);
  }
  for (const l of report.requeued) {
    writeLine(ctx, `${would ? 'would re-queue' : 're-queued'}  task ${l.goal_id}/${l.task_id}: lease of ${l.owner} expired at ${l.expired_at}`);
  }
  for (const item of report.kept) printKept(ctx, item, rel);
  const n = (count: number, what: string) => `${count} ${what}`;
  const removedWhat = would ? 'to remove' : 'removed';
  writeLine(
    ctx,
    `${would ? 'would do' : 'done'}: ${n(report.removed.length, removedWhat)}, ${n(report.pruned.length, would ? 'to prune' : 'pruned')}, ` +
      `${n(report.requeued.length, would ? 'to re-queue' : 're-queued')}, ${n(report.kept.length, 'kept')}`,
  );
}

function describeRemoved(item: RemovedItem, rel: (p: string) => string): string {
  if (item.kind === 'branch') return `branch ${item.branch}: ${item.detail}`;
  const branch = item.deleted_branch === null ? '' : ` and branch ${item.deleted_branch}`;
  return `worktree ${rel(item.path)}${branch}: ${item.detail}`;
}

function printKept(ctx: CliContext, item: KeptItem, rel: (p: string) => string): void {
  const what = item.kind === 'worktree' ? `worktree ${rel(item.path ?? '')}` : `branch ${item.branch ?? ''}`;
  writeLine(ctx, `kept  ${what} (${item.reason}): ${item.detail}`);
  if (item.paths.length > 0) {
    const shown = item.paths.slice(0, 5).join(', ');
    writeLine(ctx, `        paths: ${shown}${item.paths.length > 5 ? `, … (${item.paths.length - 5} more)` : ''}`);
  }
  writeLine(ctx, `        inspect: ${item.inspect}`);
  if (item.abandon !== null) writeLine(ctx, `        to discard it: ${item.abandon}`);
  else writeLine(ctx, `        hint: ${item.hint}`);
}
