import { existsSync } from 'node:fs';
import path from 'node:path';
import { BRANCH_PREFIX, createWorktree, headSha, refComponent } from '../git/index.js';
import type { GoalScope } from './context.js';
import { bootstrapWorktree, type WorktreeBootstrap } from './worktree-bootstrap.js';
import { gitContext } from './context.js';

/** Task ids are kebab-case, so an underscore keeps a scratch branch apart from any task's. */
const BISECT_COMPONENT = 'integration_bisect';
/** The red→green scratch worktree (red-green.ts): the base code with the change's test files. */
export const RED_GREEN_COMPONENT = 'red_green';

/** Where a scratch worktree lives and its branch (recovery after a crash repairs it like the others). */
export function scratchWorktreeLocation(scope: GoalScope, component: string): { id: string; dir: string; branch: string } {
  return {
    id: component,
    dir: path.join(scope.rt.worktreesRoot, refComponent(scope.goalId), component),
    branch: `${BRANCH_PREFIX}/${refComponent(scope.goalId)}/${component}`,
  };
}

export function bisectWorktreeLocation(scope: GoalScope): { id: string; dir: string; branch: string } {
  return scratchWorktreeLocation(scope, BISECT_COMPONENT);
}

/**
 * A scratch worktree on `omk/<goal>/<component>` from the pinned base, bootstrapped like the task
 * worktrees (gates need `.omk/worktree-include` copies and the setup command). Only gates run there;
 * nothing on its branch is delivered.
 */
export async function openScratchWorktree(scope: GoalScope, component: string, baseSha: string): Promise<{ path: string; branch: string; head: string; created: boolean; bootstrap: WorktreeBootstrap | null }> {
  const { dir, branch } = scratchWorktreeLocation(scope, component);
  let created = false;
  if (!existsSync(dir)) {
    await createWorktree(gitContext(scope.rt), { path: dir, branch, base: baseSha, goalId: scope.goalId, taskId: component, attempt: 1, now: scope.rt.now });
    created = true;
  }
  const bootstrap = await bootstrapWorktree(scope, { path: dir, taskId: component, attempt: 1, created });
  return { path: dir, branch, head: await headSha(gitContext(scope.rt, dir)), created, bootstrap };
}

/** The scratch worktree bisection re-merges prefixes of the slices in (`omk/<goal>/integration_bisect`). */
export function openBisectWorktree(scope: GoalScope, baseSha: string): ReturnType<typeof openScratchWorktree> {
  return openScratchWorktree(scope, BISECT_COMPONENT, baseSha);
}
