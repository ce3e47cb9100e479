import { goalService } from '../../app/goal-service.js';
import { formatDurationMs, formatUsd, type BudgetReport } from '../../core/budget/index.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { finishRun } from './goal/print.js';

/**
 * `omk goal budget GOAL` and `omk goal budget-add GOAL` (docs/budgets.md, docs/goals.md "Budgets").
 * The budget is read from the goal's event log: limits from `budget.set` / `budget.extended`, usage
 * from `cost.recorded`, running time from the last stored checkpoint.
 */
export async function goalBudgetCommand(ctx: CliContext, ref: string, opts: { json?: boolean }): Promise<number> {
  const b = await goalService(ctx).budget(ref);
  if (opts.json) {
    writeJson(ctx, b);
    return EXIT.ok;
  }
  writeLine(ctx, `goal ${b.goal_id}: ${b.status}`);
  for (const line of reportLines(b)) writeLine(ctx, `  ${line}`);
  for (const t of b.per_task?.tasks ?? []) {
    writeLine(ctx, `  task ${t.task_id}: ${t.used.tokens} of ${t.limits.tokens ?? 'unlimited'} tokens, ${formatUsd(Math.round(t.used.usd * 1_000_000))} of ${t.limits.usd === null ? 'unlimited' : formatUsd(Math.round(t.limits.usd * 1_000_000))}`);
  }
  const exhausted = b.exhausted;
  if (exhausted) writeLine(ctx, `  exhausted: ${exhausted.detail} (omk goal budget-add ${b.goal_id} --${exhausted.task_id ? 'task-' : ''}${exhausted.dimension} …)`);
  return EXIT.ok;
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
  const { engine, json, ...add } = opts;
  const outcome = await goalService(ctx).budgetAdd(ref, add, {
    ...(engine !== undefined ? { engine } : {}),
    onResume: (goalId, texts) => {
      if (!json) for (const t of texts) writeLine(ctx, `goal ${goalId}: budget ${t}; resuming`);
    },
  });
  if (outcome.resumed) return finishRun(ctx, outcome.run, json === true);
  if (json) writeJson(ctx, { goal_id: outcome.goal_id, status: outcome.status, extensions: outcome.extensions, resumed: false });
  else for (const e of outcome.extensions) writeLine(ctx, `goal ${outcome.goal_id}: budget ${e.text}`);
  return EXIT.ok;
}
