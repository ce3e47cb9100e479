import { budgetReport, parseTimeLimit, parseTokenLimit, parseUsdLimit, type BudgetReport } from '../../core/budget/index.js';
import { extendGoalBudget, perTaskEvidence, storedBudgetState, type GoalBudgetAddition } from '../../runtime/goal/index.js';
import type { AppContext } from '../context.js';
import { openRepoStore, withRepoStore } from '../repo.js';
import { whoAmI } from '../runtime.js';
import { resumeResolved } from './control.js';
import type { RunOutcome } from './finish.js';

/** `budget --json` (docs/budgets.md): limits, used, reserved and remaining per dimension. */
export interface GoalBudgetView extends BudgetReport {
  goal_id: string;
  status: string;
  exhausted: { dimension: string; detail: string; task_id?: string } | null;
  per_task?: { limits: { tokens: number | null; usd: number | null }; tasks: NonNullable<ReturnType<typeof perTaskEvidence>> };
}

/** A goal's budget, read from its log: limits from `budget.set`/`budget.extended`, usage from `cost.recorded`. */
export function goalBudget(ctx: AppContext, ref: string): Promise<GoalBudgetView> {
  return withRepoStore(ctx, 'read', async (store) => {
    const goal = await store.resolveGoal(ref);
    const log = await store.goalLog(goal.id);
    const report = budgetReport(storedBudgetState(log), ctx.now());
    const exhausted = log.budget.exhausted;
    // Only goals with per-task limits get the key.
    const perTask = perTaskEvidence(log.budget);
    const limits = log.budget.perTask;
    return {
      goal_id: goal.id,
      status: goal.status,
      exhausted: exhausted ? { dimension: exhausted.dimension, detail: exhausted.detail, ...(exhausted.taskId ? { task_id: exhausted.taskId } : {}) } : null,
      ...report,
      ...(perTask && limits ? { per_task: { limits: { tokens: limits.tokens, usd: limits.usd_micros === null ? null : limits.usd_micros / 1_000_000 }, tasks: perTask } } : {}),
    };
  });
}

export interface BudgetAddition {
  time?: string;
  tokens?: string;
  usd?: string;
  taskTokens?: string;
  taskUsd?: string;
}

export type BudgetAddOutcome =
  | { resumed: false; goal_id: string; status: string; extensions: Array<{ dimension: string; from: number; to: number; text: string }> }
  | { resumed: true; goal_id: string; extensions: Array<{ dimension: string; from: number; to: number; text: string }>; run: RunOutcome };

/**
 * `budget-add`: raises the limits (recorded as `budget.extended`); a goal stopped as needs_more_budget
 * is resumed to its verdict (`onResume` is told first, so a surface can say so before the wait).
 */
export async function addGoalBudget(ctx: AppContext, ref: string, add: BudgetAddition, opts: { engine?: string; onResume?: (goalId: string, texts: string[]) => void } = {}): Promise<BudgetAddOutcome> {
  const addition: GoalBudgetAddition = {
    ...(add.time !== undefined ? { time_ms: parseTimeLimit(add.time, { field: '--time', code: 'usage' }) } : {}),
    ...(add.tokens !== undefined ? { tokens: parseTokenLimit(add.tokens, { field: '--tokens', code: 'usage' }) } : {}),
    ...(add.usd !== undefined ? { usd_micros: parseUsdLimit(add.usd, { field: '--usd', code: 'usage' }) } : {}),
    ...(add.taskTokens !== undefined ? { task_tokens: parseTokenLimit(add.taskTokens, { field: '--task-tokens', code: 'usage' }) } : {}),
    ...(add.taskUsd !== undefined ? { task_usd_micros: parseUsdLimit(add.taskUsd, { field: '--task-usd', code: 'usage' }) } : {}),
  };
  const { store, paths } = await openRepoStore(ctx, 'write');
  try {
    const goal = await store.resolveGoal(ref);
    const added = await extendGoalBudget(store, goal.id, addition, whoAmI(ctx), ctx.now());
    const extensions = added.extensions.map((e) => ({ dimension: e.dimension, from: e.from, to: e.to, text: e.text }));
    if (!added.resume) return { resumed: false, goal_id: goal.id, status: goal.status, extensions };
    opts.onResume?.(goal.id, extensions.map((e) => e.text));
    const run = await resumeResolved(ctx, store, paths, goal.id, opts.engine);
    return { resumed: true, goal_id: goal.id, extensions, run };
  } finally {
    await store.close();
  }
}
