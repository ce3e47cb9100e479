/** omk's git layer: every git invocation goes through runGit (runProcess, argv, explicit env). */
export { DEFAULT_GIT_IDENTITY, gitEnv, hookArgs } from './git-env.js';
export type { GitIdentity } from './git-env.js';
export { GitError, isGitError } from './git-error.js';
export { DEFAULT_GIT_MAX_OUTPUT_BYTES, DEFAULT_GIT_TIMEOUT_MS, gitLine, runGit, splitNul } from './run-git.js';
export type { GitContext, GitResult, RunGitOptions } from './run-git.js';
export { gitVersion, parseGitVersion, versionAtLeast } from './version.js';
export type { GitVersion } from './version.js';
export {
  assertRefArgument,
  currentBranch,
  gitCommonDir,
  gitDir,
  headSha,
  infoExcludePath,
  isClean,
  repoRoot,
  resolveCommit,
  statusEntries,
  tryResolveCommit,
} from './repo.js';
export type { StatusEntry } from './repo.js';
export { headTreeSha, treeOf, workingTreeSha } from './tree.js';
export type { WorkingTreeShaOptions } from './tree.js';
export {
  BRANCH_PREFIX,
  INTEGRATION_COMPONENT,
  assertBranchName,
  checkBranchName,
  integrationBranchName,
  integrationWorktreeDir,
  isValidBranchName,
  refComponent,
  taskBranchName,
  taskWorktreeDir,
} from './ref-names.js';
export { MARKER_FILE, MARKER_VERSION, assertOwnedWorktree, markerPath, parseMarker, readMarkerAt, readWorktreeMarker } from './worktree-marker.js';
export type { MarkerRead, WorktreeMarker } from './worktree-marker.js';
export { createWorktree, findWorktree, listWorktrees, parseWorktreeList } from './worktrees.js';
export { LOCK_FILE, withWorktreeLock } from './repo-lock.js';
export type { WorktreeLockOptions } from './repo-lock.js';
export type { CreateWorktreeOptions, CreatedWorktree, WorktreeInfo } from './worktrees.js';
export { pruneWorktrees, removeWorktree } from './worktree-remove.js';
export type { PruneOptions, PrunedWorktree, RemovalRefusal, RemoveWorktreeOptions, RemoveWorktreeResult } from './worktree-remove.js';
export type { AbandonOption, AbandonRecord, AbandonRecorder } from './abandon.js';
export { deleteBranch } from './branches.js';
export type { DeleteBranchOptions, DeleteBranchResult } from './branches.js';
export { commitsOnlyIn, isAncestor, mergeBase, unmergedCommits } from './ancestry.js';
export { commitAll } from './commit.js';
export type { CommitAllOptions, CommitResult } from './commit.js';
export { changedBetween, diffBetween, numstat, statOf, workingTreeChanges } from './diff.js';
export type { ChangeStatus, ChangedFile, DiffOptions, DiffResult, DiffStat, FileNumstat, WorkingTreeChanges } from './diff.js';
export { unmergedPaths } from './conflicts.js';
export type { Conflict, ConflictKind } from './conflicts.js';
export { inProgress, mergeBranch } from './merge.js';
export type { MergeOptions, MergeResult } from './merge.js';
export { checkMerge } from './merge-check.js';
export type { MergeCheckMethod, MergeCheckOptions, MergeCheckResult } from './merge-check.js';
export { cherryPick } from './cherry-pick.js';
export type { CherryPickOptions, CherryPickResult } from './cherry-pick.js';
export { resetHard } from './reset.js';
export type { ResetHardOptions, ResetHardResult } from './reset.js';
