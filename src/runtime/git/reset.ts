import { assertOwnedWorktree } from './worktree-marker.js';
import type { WorktreeMarker } from './worktree-marker.js';
import { resolveCommit } from './repo.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';

export interface ResetHardOptions {
  /** The commit to reset to, e.g. the marker's `base_sha` for a fresh attempt. */
  to: string;
  /**
   * Also remove untracked files and directories (`git clean -fd`; ignored files such as
   * `node_modules/` stay).
   * @default true
   */
  clean?: boolean;
}

export interface ResetHardResult {
  head: string;
  marker: WorktreeMarker;
}

/**
 * `git reset --hard` in the worktree at `ctx.cwd` — only in a linked worktree carrying omk's ownership
 * marker (throws `failed` otherwise, before touching anything). Discards uncommitted work there by
 * design: callers capture an attempt's diff before resetting for the next one.
 */
export async function resetHard(ctx: GitContext, opts: ResetHardOptions): Promise<ResetHardResult> {
  const marker = await assertOwnedWorktree(ctx);
  const sha = await resolveCommit(ctx, opts.to);
  await runGit(ctx, ['reset', '--hard', '--quiet', sha]);
  if (opts.clean !== false) await runGit(ctx, ['clean', '-f', '-d', '--quiet', '--', ':/']);
  return { head: sha, marker };
}
