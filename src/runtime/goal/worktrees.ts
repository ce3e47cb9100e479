import { existsSync } from 'node:fs';
import path from 'node:path';
import { createWorktree, headSha, integrationBranchName, integrationWorktreeDir, taskBranchName, taskWorktreeDir } from '../git/index.js';
import type { GoalScope } from './context.js';
import { gitContext } from './context.js';
import { bootstrapWorktree, type WorktreeBootstrap } from './worktree-bootstrap.js';

export interface GoalWorktree {
  path: string;
  branch: string;
  /** HEAD when it was opened. */
  head: string;
  created: boolean;
  /**
   * What making it ready did (include-file copies, setup command), or null when there was nothing to
   * do. `ok: false` means the worktree is not fit to run an agent in: the caller stops the attempt
   * with `failure` as the reason; the next open bootstraps again. Absent from worktrees opened
   * elsewhere (bisect-worktree.ts), which call bootstrapWorktree themselves if they need it.
   */
  bootstrap?: WorktreeBootstrap | null;
}

/**
 * The task's worktree on `omk/<goal>/<task>`, created from the pinned base on first use and reused by
 * later attempts (which build on the earlier attempt's commit, with its feedback).
 */
export function openTaskWorktree(scope: GoalScope, taskId: string, baseSha: string, attempt: number, signal?: AbortSignal): Promise<GoalWorktree> {
  return open(scope, path.join(scope.rt.worktreesRoot, taskWorktreeDir(scope.goalId, taskId)), taskBranchName(scope.goalId, taskId), baseSha, taskId, attempt, signal);
}

/** The integration worktree on `omk/<goal>/integration`, created from the pinned base. */
export function openIntegrationWorktree(scope: GoalScope, baseSha: string, signal?: AbortSignal): Promise<GoalWorktree> {
  return open(scope, path.join(scope.rt.worktreesRoot, integrationWorktreeDir(scope.goalId)), integrationBranchName(scope.goalId), baseSha, 'integration', 1, signal);
}

async function open(scope: GoalScope, dir: string, branch: string, baseSha: string, taskId: string, attempt: number, signal?: AbortSignal): Promise<GoalWorktree> {
  const git = gitContext(scope.rt);
  let created = false;
  if (!existsSync(dir)) {
    await createWorktree(git, { path: dir, branch, base: baseSha, goalId: scope.goalId, taskId, attempt, now: scope.rt.now });
    created = true;
  }
  // Before HEAD is read: the bootstrap never commits, and a worktree is fit to use only once it ran.
  const bootstrap = await bootstrapWorktree(scope, { path: dir, taskId, attempt, created }, signal);
  return { path: dir, branch, head: await headSha(gitContext(scope.rt, dir)), created, bootstrap };
}
