import type { WorktreeMarker } from './worktree-marker.js';

/**
 * What an explicit `force: 'abandon'` is about to destroy. The caller must record it (event log)
 * before anything is removed: `onAbandon` runs first, and a throw from it cancels the removal.
 * Committed work stays recoverable from `head` and uncommitted work from `snapshotTree` until
 * `git gc` prunes unreachable objects.
 */
export interface AbandonRecord {
  /** The worktree removed, when a worktree is being removed. */
  path?: string;
  /** The branch deleted, when one is. */
  branch?: string;
  marker?: WorktreeMarker;
  /** The commit the branch or detached HEAD pointed at. */
  head?: string;
  /** Tree sha of the working tree including its uncommitted changes, when it was dirty. */
  snapshotTree?: string;
  /** Uncommitted and untracked (non-ignored) paths that are lost. */
  dirtyPaths: string[];
  /** Commits no other ref reaches. */
  unmergedCommits: string[];
}

/** Called with the record before the destructive step; must persist it (or throw to cancel). */
export type AbandonRecorder = (record: AbandonRecord) => void | Promise<void>;

/** Either the default safe behaviour, or an explicit abandon together with its recorder. */
export type AbandonOption =
  | { force?: undefined; onAbandon?: undefined }
  | {
      /** Destroy dirty or unmerged work. Never a default. */
      force: 'abandon';
      onAbandon: AbandonRecorder;
    };
