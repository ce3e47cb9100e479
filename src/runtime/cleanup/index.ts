/** `omk cleanup`: stale worktrees, branches and leases of omk's own, never unmerged or dirty work. */
export { isProcessAlive, runCleanup } from './cleanup.js';
export type { CleanupOptions } from './cleanup.js';
export { shellQuote } from './kept.js';
export type { CleanupReport, KeptItem, KeptReason, PrunedWorktree, RemovedBranch, RemovedItem, RemovedWorktree, RequeuedLease, StaleReason } from './report.js';
export { branchStaleness, goalComponentOf, isLeaseLive, worktreeStaleness } from './staleness.js';
export type { Staleness, WorktreeFacts } from './staleness.js';
