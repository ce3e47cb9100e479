/**
 * The branch half of cleanup: branches under omk/ that no remaining worktree has checked out are
 * deleted when their goal is finished (or unknown) and every commit on them is reachable from a ref
 * that stays.
 */
import { deleteBranch } from '../git/index.js';
import type { WorktreeInfo } from '../git/index.js';
import { keptBranchInUse, keptCheckedOut, keptUnmergedBranch } from './kept.js';
import { commitsOnlyReachableFrom, omkBranches } from './reachability.js';
import { branchStaleness } from './staleness.js';
import type { PassContext } from './worktree-pass.js';

/** Runs after the worktree pass; `staying` are the worktrees that remain (or would remain). */
export async function branchPass(pc: PassContext, staying: WorktreeInfo[]): Promise<void> {
  const holders = new Map<string, WorktreeInfo>();
  for (const wt of staying) if (wt.branch !== undefined) holders.set(wt.branch, wt);

  for (const { branch, sha } of await omkBranches(pc.git)) {
    const ref = `refs/heads/${branch}`;
    if (pc.gone.has(ref)) continue;
    const holder = holders.get(branch);
    // A worktree omk made that stays has been reported with its reason already.
    const heldByOmk = holder !== undefined && !holder.isMain && holder.marker.state !== 'absent';
    const staleness = branchStaleness(branch, pc.facts.goals);
    const b = { branch, goalId: staleness.goalId };
    if (heldByOmk) continue;
    if (!staleness.stale) {
      pc.report.kept.push(keptBranchInUse(b, staleness.detail));
      continue;
    }
    if (holder !== undefined) {
      pc.report.kept.push(keptCheckedOut(b, holder.path));
      continue;
    }
    const lost = await commitsOnlyReachableFrom(pc.git, ref, new Set([...pc.gone, ref]));
    if (lost.length > 0) {
      pc.report.kept.push(keptUnmergedBranch(b, lost));
      continue;
    }
    if (!pc.dryRun) {
      // deleteBranch judges again under the lock; its refusal wins.
      const result = await deleteBranch(pc.git, { branch });
      if (!result.deleted) {
        if (result.reason === 'unmerged_commits') pc.report.kept.push(keptUnmergedBranch(b, result.unmergedCommits));
        else if (result.reason === 'checked_out') {
          const where = /checked out in (.+); remove/.exec(result.message)?.[1] ?? pc.git.cwd;
          pc.report.kept.push(keptCheckedOut(b, where));
        }
        continue;
      }
    }
    pc.gone.add(ref);
    pc.report.removed.push({ kind: 'branch', branch, sha, reason: staleness.reason, detail: `${staleness.detail}; no worktree has it and every commit on it is reachable from another ref` });
  }
}
