/**
 * What `omk cleanup` did (or, with --dry-run, would do). The JSON shape of `omk cleanup --json`,
 * documented in docs/cleanup.md: snake_case keys, `null` for an absent value, stable order.
 */

/** Why something of omk's counts as stale. */
export type StaleReason =
  /** The goal reached a terminal status (ready, not_ready, blocked_*, needs_more_budget, failed_infra, cancelled). */
  | 'goal_terminal'
  /** The goal is not in the store (or there is no store). */
  | 'goal_unknown'
  /** The goal is not finished, but the process that made the worktree is gone and no live lease covers it. */
  | 'owner_gone';

/** Why something of omk's stays. Only `in_use` is not about work that would be lost. */
export type KeptReason =
  /** Uncommitted or untracked (non-ignored) files in the worktree. */
  | 'dirty'
  /** The branch (or a detached HEAD) holds commits that no other ref reaches. */
  | 'unmerged_commits'
  /** `git worktree lock`ed. */
  | 'locked'
  /** Its goal is still running: a live lease, or the process that made it is alive. */
  | 'in_use'
  /** The ownership marker exists but cannot be read; omk cannot tell whose it is. */
  | 'invalid_marker'
  /** A branch under omk/ checked out in a worktree that stays (e.g. the main checkout). */
  | 'checked_out'
  /** git no longer recognises the directory as a worktree (its `.git` file is gone), but the directory exists. */
  | 'broken';

export interface RemovedWorktree {
  kind: 'worktree';
  path: string;
  /** The branch checked out there; null when detached. */
  branch: string | null;
  goal_id: string;
  task_id: string;
  reason: StaleReason;
  /** One sentence: why it was stale. */
  detail: string;
  /** The branch deleted with it (the one omk created for it, when nothing else was on it). */
  deleted_branch: string | null;
}

export interface RemovedBranch {
  kind: 'branch';
  branch: string;
  /** The commit it pointed at (still reachable from another ref). */
  sha: string;
  reason: StaleReason;
  detail: string;
}

export type RemovedItem = RemovedWorktree | RemovedBranch;

export interface KeptItem {
  kind: 'worktree' | 'branch';
  /** The worktree's directory; null for a branch. */
  path: string | null;
  /** The worktree's branch, or the branch; null for a detached worktree. */
  branch: string | null;
  goal_id: string | null;
  task_id: string | null;
  reason: KeptReason;
  /** One sentence: what was found. */
  detail: string;
  /** What a human can do about it. */
  hint: string;
  /** A command that shows what is there. */
  inspect: string;
  /** A command that discards it, for a human who has decided to; null when omk should not suggest one. */
  abandon: string | null;
  /** Dirty paths (for `dirty`). */
  paths: string[];
  /** Commits no other ref reaches (for `unmerged_commits`), newest first. */
  commits: string[];
}

/** A task whose expired lease was (or would be) returned to the queue with a `task.lease_expired` event. */
export interface RequeuedLease {
  goal_id: string;
  task_id: string;
  owner: string;
  token: number;
  expired_at: string;
}

/** An omk worktree whose directory is gone: git's metadata for it was (or would be) dropped. */
export interface PrunedWorktree {
  path: string;
  /** The branch git still records for it; it stays and goes through the branch rules. */
  branch: string | null;
  goal_id: string;
  task_id: string;
  reason: StaleReason;
  detail: string;
}

export interface CleanupReport {
  dry_run: boolean;
  removed: RemovedItem[];
  kept: KeptItem[];
  requeued: RequeuedLease[];
  pruned: PrunedWorktree[];
}
