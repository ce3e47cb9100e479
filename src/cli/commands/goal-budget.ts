import { budgetReport, formatDurationMs, formatUsd, parseTimeLimit, parseTokenLimit, parseUsdLimit, type BudgetAddition, type BudgetReport } from '../../core/budget/index.js';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { extendGoalBudget, resumeGoal, storedBudgetState } from '../../runtime/goal/index.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { recordedEngine } from './goal/control.js';
import { exitForStatus, openGoalStore } from './goal/open-store.js';
import { goalRuntime, print, whoAmI } from './goal/run.js';

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
    if (opts.json) {
      writeJson(ctx, { goal_id: goal.id, status: goal.status, exhausted: log.budget.exhausted ? { dimension: log.budget.exhausted.dimension, detail: log.budget.exhausted.detail } : null, ...report });
      return EXIT.ok;
    }
    writeLine(ctx, `goal ${goal.id}: ${goal.status}`);
    for (const line of reportLines(report)) writeLine(ctx, `  ${line}`);
    if (log.budget.exhausted) writeLine(ctx, `  exhausted: ${log.budget.exhausted.detail} (omk goal budget-add ${goal.id} --${log.budget.exhausted.dimension} …)`);
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
  engine?: string;
  json?: boolean;
}

/** Raises the limits (recorded as `budget.extended`); a goal stopped as needs_more_budget is resumed to its verdict. */
export async function goalBudgetAddCommand(ctx: CliContext, ref: string, opts: BudgetAddOptions): Promise<number> {
  const addition: BudgetAddition = {
    ...(opts.time !== undefined ? { time_ms: parseTimeLimit(opts.time, { field: '--time', code: 'usage' }) } : {}),
    ...(opts.tokens !== undefined ? { tokens: parseTokenLimit(opts.tokens, { field: '--tokens', code: 'usage' }) } : {}),
    ...(opts.usd !== undefined ? { usd_micros: parseUsdLimit(opts.usd, { field: '--usd', code: 'usage' }) } : {}),
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
    const { rt, control } = await goalRuntime(ctx, store, paths, opts.engine ?? (await recordedEngine(store, goal.id)));
    try {
      const result = await resumeGoal(rt, goal.id, control);
      print(ctx, result, paths.goalsDir, opts.json === true);
      return exitForStatus(result.status);
    } finally {
      await control.host.registry.close();
    }
  } finally {
    await store.close();
  }
}
