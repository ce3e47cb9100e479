/**
 * The one home of goal status sets and their predicates (SPEC.md "Terminal statuses"). Every command,
 * the controller, cleanup, watch, the REPL, the dashboard and MCP ask these functions; none keeps its
 * own list. docs/goals.md "Statuses" documents the same table.
 *
 * | status              | verdict | a controller may drive it | `resume` continues it | work may continue |
 * |---------------------|---------|---------------------------|-----------------------|-------------------|
 * | created, planning   |         | yes                       | yes                   | yes               |
 * | running             |         | yes                       | yes (after a crash)   | yes               |
 * | paused              |         |                           | yes                   | yes               |
 * | needs_more_budget   | yes     |                           | via `budget-add`      | yes               |
 * | ready, not_ready    | yes     |                           |                       | (accept/reject)   |
 * | blocked_on_*        | yes     |                           |                       |                   |
 * | failed_infra        | yes     |                           |                       |                   |
 * | cancelled           | yes     |                           | never                 | never             |
 */

export const GOAL_STATUSES = [
  'created',
  'planning',
  'running',
  'paused',
  'ready',
  'not_ready',
  'blocked_on_human',
  'blocked_on_external',
  'needs_more_budget',
  'failed_infra',
  'cancelled',
] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** The statuses a proof can give a goal: the verdict rule's outcomes (docs/proof-format.md). */
export const VERDICT_STATUSES = [
  'ready',
  'not_ready',
  'blocked_on_human',
  'blocked_on_external',
  'needs_more_budget',
  'failed_infra',
  'cancelled',
] as const satisfies readonly GoalStatus[];
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

const VERDICTS: ReadonlySet<string> = new Set(VERDICT_STATUSES);
/** A controller is (or was, before a crash) working on it. */
const ACTIVE: ReadonlySet<string> = new Set<GoalStatus>(['created', 'planning', 'running']);
/** `omk goal resume` continues these (a crashed controller's goal is still `running`). */
const RESUMABLE: ReadonlySet<string> = new Set<GoalStatus>(['created', 'planning', 'running', 'paused']);

export function isGoalStatus(value: string): value is GoalStatus {
  return (GOAL_STATUSES as readonly string[]).includes(value);
}

/** The run ended with a verdict (a proof says why); no controller drives it. */
export function isVerdict(status: string): status is VerdictStatus {
  return VERDICTS.has(status);
}

/** A controller drives it now, or did until it crashed (then `resume` continues it). */
export function isActive(status: string): boolean {
  return ACTIVE.has(status);
}

/** `omk goal resume` continues it. */
export function isResumable(status: string): boolean {
  return RESUMABLE.has(status);
}

/** Work on the goal may still happen: a controller, `resume`, or `budget-add` can move it on. Cleanup keeps its worktrees. */
export function mayContinue(status: string): boolean {
  return RESUMABLE.has(status) || status === 'needs_more_budget';
}

/** Cancel is terminal: the goal is never run again. */
export function isCancelled(status: string): boolean {
  return status === 'cancelled';
}

/** Pause and cancel requests apply: nothing has stopped the goal for good yet. */
export function acceptsControl(status: string): boolean {
  return !isVerdict(status);
}

/** No controller is running it (watchers stop following): a verdict, or paused. */
export function endsWatch(status: string): boolean {
  return isVerdict(status) || status === 'paused';
}

/** Delivery at the verdict (docs/delivery.md) applies to these; failed_infra and cancelled deliver nothing. */
export function isDeliverable(status: string): boolean {
  return isVerdict(status) && status !== 'failed_infra' && status !== 'cancelled';
}

export const TASK_STATUSES = ['queued', 'leased', 'done', 'failed', 'blocked', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task that will never run again (its dependents cannot start). */
export function isDeadTask(status: string): boolean {
  return status === 'failed' || status === 'cancelled';
}
