import { existsSync } from 'node:fs';
import { OmkError } from '../../../core/errors.js';
import type { SqliteStore } from '../../../runtime/store/sqlite-store.js';
import type { CliContext } from '../../context.js';

export interface RepoPaths {
  repoRoot: string;
  dbFile: string;
  goalsDir: string;
}

/** The repository's paths, or `not_a_repo` outside one. */
export function repoPaths(ctx: CliContext): RepoPaths {
  const { repoRoot, dbFile, goalsDir } = ctx.paths;
  if (repoRoot === undefined || dbFile === undefined || goalsDir === undefined) {
    throw new OmkError('not_a_repo', `${ctx.cwd} is not inside a git repository`, { hint: 'run omk from inside the repository (or pass -C <dir>)' });
  }
  return { repoRoot, dbFile, goalsDir };
}

/** Opens the store; `create: false` refuses (not_found) when there is no database yet, so read commands never create one. */
export async function openGoalStore(ctx: CliContext, create: boolean): Promise<{ store: SqliteStore; paths: RepoPaths }> {
  const paths = repoPaths(ctx);
  if (!create && !existsSync(paths.dbFile)) {
    throw new OmkError('not_found', 'there are no goals in this repository yet', { hint: 'start one with `omk goal run "…"`' });
  }
  const { openStore } = await import('../../../runtime/store/sqlite-store.js');
  const store = await openStore({ dbFile: paths.dbFile, goalsDir: paths.goalsDir, now: ctx.now, log: ctx.log });
  return { store, paths };
}

/** Exit status of a goal status (docs/exit-codes.md). */
export function exitForStatus(status: string): number {
  switch (status) {
    case 'ready':
    case 'planned':
      return 0;
    case 'blocked_on_human':
    case 'blocked_on_external':
      return 3;
    case 'needs_more_budget':
      return 4;
    case 'failed_infra':
      return 5;
    case 'paused':
      return 3;
    case 'interrupted':
    case 'cancelled':
      return 130;
    default:
      return 1;
  }
}
