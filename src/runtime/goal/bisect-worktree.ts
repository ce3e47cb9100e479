import { existsSync } from 'node:fs';
import path from 'node:path';
import { BRANCH_PREFIX, createWorktree, headSha, refComponent } from '../git/index.js';
import type { GoalScope } from './context.js';
import { bootstrapWorktree, type WorktreeBootstrap } from './worktree-bootstrap.js';
import { gitContext } from './context.js';

/** Task ids are kebab-case, so an underscore keeps the scratch branch apart from any task's. */
const BISECT_COMPONENT = 'integration_bisect';

/** Where the scratch worktree lives and its branch (recovery after a crash repairs it like the others). */
export function bisectWorktreeLocation(scope: GoalScope): { id: string; dir: string; branch: string } {
  return {
    id: BISECT_COMPONENT,
    dir: path.join(scope.rt.worktreesRoot, refComponent(scope.goalId), BISECT_COMPONENT),
    branch: `${BRANCH_PREFIX}/${refComponent(scope.goalId)}/${BISECT_COMPONENT}`,
  };
}

/**
 * The scratch worktree bisection re-merges prefixes of the slices in, on `omk/<goal>/integration_bisect`
 * from the pinned base. Only gates run here; nothing on this branch is delivered.
 */
export async function openBisectWorktree(scope: GoalScope, baseSha: string): Promise<{ path: string; branch: string; head: string; created: boolean; bootstrap: WorktreeBootstrap | null }> {
  const { dir, branch } = bisectWorktreeLocation(scope);
  let created = false;
  if (!existsSync(dir)) {
    await createWorktree(gitContext(scope.rt), { path: dir, branch, base: baseSha, goalId: scope.goalId, taskId: BISECT_COMPONENT, attempt: 1, now: scope.rt.now });
    created = true;
  }
  // Gates need what the task worktrees get (.omk/worktree-include, the setup command).
  const bootstrap = await bootstrapWorktree(scope, { path: dir, taskId: BISECT_COMPONENT, attempt: 1, created });
  return { path: dir, branch, head: await headSha(gitContext(scope.rt, dir)), created, bootstrap };
}
