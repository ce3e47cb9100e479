import { budgetReport, formatDurationMs, formatUsd, parseTimeLimit, parseTokenLimit, parseUsdLimit, type BudgetReport } from '../../core/budget/index.js';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { extendGoalBudget, perTaskEvidence, resumeGoal, storedBudgetState, type GoalBudgetAddition } from '../../runtime/goal/index.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { recordedEngine } from './goal/control.js';
import { openGoalStore } from './goal/open-store.js';
import { goalRuntime, whoAmI } from './goal/run.js';

/**
 * `omk goal budget GOAL` and `omk goal budget-add GOAL` (docs/budgets.md, docs/goals.md "Budgets").
 * The budget is read from the goal's event log: limits from `budget.set` / `budget.extended`, usage
 * from `cost.recorded`, running time from the last stored checkpoint.
 */
export async function goalBudgetCommand(ctx: CliContext, ref: string, opts: { json?: boolean }): Promise<number> {
  const { store } = await openGoalStore(ctx, false);
  try {
    const goal = await store.resolveGoal(ref);
    const log = foldGoalLog(await store.readEvents(goal.id));
    const report = budgetReport(storedBudgetState(log), ctx.now());
    const exhausted = log.budget.exhausted;
    // Only goals with per-task limits get the key (and the per-task lines).
    const perTask = perTaskEvidence(log.budget);
    const perTaskLimits = log.budget.perTask;
    if (opts.json) {
      writeJson(ctx, {
        goal_id: goal.id,
        status: goal.status,
        exhausted: exhausted ? { dimension: exhausted.dimension, detail: exhausted.detail, ...(exhausted.taskId ? { task_id: exhausted.taskId } : {}) } : null,
        ...report,
        ...(perTask && perTaskLimits
          ? { per_task: { limits: { tokens: perTaskLimits.tokens, usd: perTaskLimits.usd_micros === null ? null : perTaskLimits.usd_micros / 1_000_000 }, tasks: perTask } }
          : {}),
      });
      return EXIT.ok;
    }
    writeLine(ctx, `goal ${goal.id}: ${goal.status}`);
    for (const line of reportLines(report)) writeLine(ctx, `  ${line}`);
    for (const t of perTask ?? []) {
      writeLine(ctx, `  task ${t.task_id}: ${t.used.tokens} of ${t.limits.tokens ?? 'unlimited'} tokens, ${formatUsd(Math.round(t.used.usd * 1_000_000))} of ${t.limits.usd === null ? 'unlimited' : formatUsd(Math.round(t.limits.usd * 1_000_000))}`);
    }
    if (exhausted) writeLine(ctx, `  exhausted: ${exhausted.detail} (omk goal budget-add ${goal.id} --${exhausted.taskId ? 'task-' : ''}${exhausted.dimension} …)`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function reportLines(r: BudgetReport): string[] {
  const ms = (v: number | null): string => (v === null ? 'unlimited' : formatDurationMs(v));
  const tok = (v: number | null): string => (v === null ? 'unlimited' : String(v));
  const usd = (v: number | null): string => (v === null ? 'unlimited' : formatUsd(Math.round(v * 1_000_000)));
  return [
    `time:   used ${ms(r.time.used)} of ${ms(r.time.limit)}${r.time.remaining !== null ? `, ${ms(r.time.remaining)} left` : ''}`,
    `tokens: used ${r.tokens.used} of ${tok(r.tokens.limit)}, reserved ${r.tokens.reserved}${r.tokens.remaining !== null ? `, ${r.tokens.remaining} left` : ''}`,
    `usd:    used ${usd(r.usd.used)} of ${usd(r.usd.limit)}, reserved ${usd(r.usd.reserved)}${r.usd.remaining !== null ? `, ${usd(r.usd.remaining)} left` : ''}`,
  ];
}

export interface BudgetAddOptions {
  time?: string;
  tokens?: string;
  usd?: string;
  taskTokens?: string;
  taskUsd?: string;
  engine?: string;
  json?: boolean;
}

/** Raises the limits (recorded as `budget.extended`); a goal stopped as needs_more_budget is resumed to its verdict. */
export async function goalBudgetAddCommand(ctx: CliContext, ref: string, opts: BudgetAddOptions): Promise<number> {
  const addition: GoalBudgetAddition = {
    ...(opts.time !== undefined ? { time_ms: parseTimeLimit(opts.time, { field: '--time', code: 'usage' }) } : {}),
    ...(opts.tokens !== undefined ? { tokens: parseTokenLimit(opts.tokens, { field: '--tokens', code: 'usage' }) } : {}),
    ...(opts.usd !== undefined ? { usd_micros: parseUsdLimit(opts.usd, { field: '--usd', code: 'usage' }) } : {}),
    ...(opts.taskTokens !== undefined ? { task_tokens: parseTokenLimit(opts.taskTokens, { field: '--task-tokens', code: 'usage' }) } : {}),
    ...(opts.taskUsd !== undefined ? { task_usd_micros: parseUsdLimit(opts.taskUsd, { field: '--task-usd', code: 'usage' }) } : {}),
  };
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const goal = await store.resolveGoal(ref);
    const added = await extendGoalBudget(store, goal.id, addition, whoAmI(ctx), ctx.now());
    if (!added.resume) {
      if (opts.json) writeJson(ctx, { goal_id: goal.id, status: goal.status, extensions: added.extensions, resumed: false });
      else for (const e of added.extensions) writeLine(ctx, `goal ${goal.id}: budget ${e.text}`);
      return EXIT.ok;
    }
    if (!opts.json) for (const e of added.extensions) writeLine(ctx, `goal ${goal.id}: budget ${e.text}; resuming`);
    const { rt, control, config } = await goalRuntime(ctx, store, paths, opts.engine ?? (await recordedEngine(store, goal.id)));
    try {
      const result = await resumeGoal(rt, goal.id, control);
      return await (await import('./goal/after-run.js')).finishRun(ctx, { store, paths, result, config, json: opts.json === true });
    } finally {
      await control.host.registry.close();
    }
  } finally {
    await store.close();
  }
}
