import { statusEntries } from './repo.js';
import type { GitContext } from './run-git.js';

/** How a path conflicts, from `git status`'s unmerged XY codes. */
export type ConflictKind =
  | 'both_modified' // UU
  | 'both_added' // AA
  | 'both_deleted' // DD
  | 'added_by_us' // AU
  | 'added_by_them' // UA
  | 'deleted_by_us' // DU
  | 'deleted_by_them'; // UD

export interface Conflict {
  path: string;
  kind: ConflictKind;
}

const KINDS: Readonly<Record<string, ConflictKind>> = {
  UU: 'both_modified',
  AA: 'both_added',
  DD: 'both_deleted',
  AU: 'added_by_us',
  UA: 'added_by_them',
  DU: 'deleted_by_us',
  UD: 'deleted_by_them',
};

/** The unmerged paths of the worktree at `ctx.cwd` (during a merge or cherry-pick that stopped). */
export async function unmergedPaths(ctx: GitContext): Promise<Conflict[]> {
  const entries = await statusEntries(ctx);
  return entries.flatMap((e) => {
    const kind = KINDS[e.code];
    return kind === undefined ? [] : [{ path: e.path, kind }];
  });
}
