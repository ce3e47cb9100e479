/**
 * Which of omk's worktrees and branches are stale. Pure: the caller gathers the facts (goal status,
 * lease, whether the marker's process is alive) and this decides.
 */
import { mayContinue } from '../../core/goal/status.js';
import type { GoalStatus, Lease } from '../../core/store/types.js';
import { BRANCH_PREFIX, refComponent } from '../git/ref-names.js';
import type { StaleReason } from './report.js';


export type Staleness = { stale: true; reason: StaleReason; detail: string } | { stale: false; detail: string };

export interface WorktreeFacts {
  goalId: string;
  /** The goal's status in the store; undefined when the store does not know the goal. */
  goalStatus: GoalStatus | undefined;
  /** The lease on the marker's task, if any (expired or not). */
  lease: Lease | undefined;
  /** The marker's pid. */
  pid: number;
  /** Whether that process is alive on this machine. */
  pidAlive: boolean;
  now: Date;
}

/** A lease still in force at `now` (the store's rule: expired when `expires_at <= now`). */
export function isLeaseLive(lease: Lease | undefined, now: Date): boolean {
  return lease !== undefined && lease.expiresAt > now.toISOString();
}

/**
 * A worktree is stale when its goal can never continue (core/goal/status.ts `mayContinue`) or is unknown, or when the process that made it is gone
 * and no live lease covers its task. A worktree of an unfinished goal with a live lease never is.
 */
export function worktreeStaleness(f: WorktreeFacts): Staleness {
  if (f.goalStatus === undefined) return { stale: true, reason: 'goal_unknown', detail: `goal ${f.goalId} is not in the store` };
  if (!mayContinue(f.goalStatus)) {
    return { stale: true, reason: 'goal_terminal', detail: `goal ${f.goalId} is ${f.goalStatus}` };
  }
  if (f.lease !== undefined && isLeaseLive(f.lease, f.now)) {
    return { stale: false, detail: `goal ${f.goalId} is ${f.goalStatus} and ${f.lease.owner} holds the task's lease until ${f.lease.expiresAt}` };
  }
  if (f.pidAlive) {
    return { stale: false, detail: `goal ${f.goalId} is ${f.goalStatus} and process ${f.pid}, which made the worktree, is still running` };
  }
  const lease = f.lease === undefined ? 'no lease covers its task' : `its lease expired at ${f.lease.expiresAt}`;
  return { stale: true, reason: 'owner_gone', detail: `goal ${f.goalId} is ${f.goalStatus}, but process ${f.pid} that made the worktree is gone and ${lease}` };
}

/**
 * A branch under omk/ without a worktree: stale unless its goal component names an unfinished goal
 * (the controller of a running goal may be about to use it). Goals are matched by `refComponent(id)`,
 * the way branch names are made.
 */
export function branchStaleness(branch: string, goals: ReadonlyMap<string, GoalStatus>): Staleness & { goalId: string | undefined } {
  const component = goalComponentOf(branch);
  const matches = [...goals].filter(([id]) => component !== undefined && refComponent(id) === component);
  const unfinished = matches.find(([, status]) => mayContinue(status));
  if (unfinished !== undefined) {
    return { stale: false, goalId: unfinished[0], detail: `branch of goal ${unfinished[0]}, which is ${unfinished[1]}` };
  }
  const done = matches[0];
  if (done !== undefined) return { stale: true, reason: 'goal_terminal', goalId: done[0], detail: `goal ${done[0]} is ${done[1]}` };
  return { stale: true, reason: 'goal_unknown', goalId: undefined, detail: `no goal in the store matches ${component ?? branch}` };
}

/** `omk/<goal>/<task>` → `<goal>`; undefined for anything not shaped like an omk branch. */
export function goalComponentOf(branch: string): string | undefined {
  const prefix = `${BRANCH_PREFIX}/`;
  if (!branch.startsWith(prefix)) return undefined;
  const parts = branch.slice(prefix.length).split('/');
  return parts.length >= 2 && parts[0] !== '' ? parts[0] : undefined;
}
