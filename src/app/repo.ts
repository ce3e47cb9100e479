import { existsSync } from 'node:fs';
import { OmkError } from '../core/errors.js';
import type { SqliteStore } from '../runtime/store/sqlite-store.js';
import type { AppContext } from './context.js';

export interface RepoPaths {
  repoRoot: string;
  dbFile: string;
  goalsDir: string;
  /** `<repo>/.omk`. */
  omkDir: string;
}

/** The repository's paths, or `not_a_repo` outside one. */
export function repoPaths(ctx: Pick<AppContext, 'cwd' | 'paths'>): RepoPaths {
  const { repoRoot, dbFile, goalsDir, projectDir } = ctx.paths;
  if (repoRoot === undefined || dbFile === undefined || goalsDir === undefined || projectDir === undefined) {
    throw new OmkError('not_a_repo', `${ctx.cwd} is not inside a git repository`, { hint: 'run omk from inside the repository (or pass -C <dir>)' });
  }
  return { repoRoot, dbFile, goalsDir, omkDir: projectDir };
}

/**
 * How a use case opens the repository's store:
 * - `read`: an existing store, read-only — nothing migrated, healed or created (read commands never write);
 * - `write`: an existing store, for commands that record something about existing goals;
 * - `create`: the store is created when there is none (starting a goal, a worker).
 */
export type StoreAccess = 'read' | 'write' | 'create';

export async function openRepoStore(ctx: AppContext, access: StoreAccess, opts: { heal?: boolean } = {}): Promise<{ store: SqliteStore; paths: RepoPaths }> {
  const paths = repoPaths(ctx);
  if (access !== 'create' && !existsSync(paths.dbFile)) {
    throw new OmkError('not_found', 'there are no goals in this repository yet', { hint: 'start one with `omk goal run "…"`' });
  }
  const { openStore } = await import('../runtime/store/sqlite-store.js');
  const store = await openStore({ dbFile: paths.dbFile, goalsDir: paths.goalsDir, now: ctx.now, log: ctx.log, readOnly: access === 'read', ...(opts.heal === false ? { healOnOpen: false } : {}) });
  return { store, paths };
}

/** Runs `fn` with the store open, and closes it however `fn` ends. */
export async function withRepoStore<T>(ctx: AppContext, access: StoreAccess, fn: (store: SqliteStore, paths: RepoPaths) => Promise<T>, opts: { heal?: boolean } = {}): Promise<T> {
  const { store, paths } = await openRepoStore(ctx, access, opts);
  try {
    return await fn(store, paths);
  } finally {
    await store.close();
  }
}
