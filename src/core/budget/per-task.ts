import { OmkError, type ErrorCode } from '../errors.js';
import { formatUsd } from './money.js';
import { parseTokenLimit, parseUsdLimit } from './parse.js';
import type { BudgetCheck, BudgetDimension } from './reservations.js';
import { wholeNonNegative, type CostEstimate } from './state.js';
import type { BudgetExtension } from './add.js';

/**
 * Per-task budgets (docs/budgets.md "Per-task budgets"): a cap on what any one goal task may spend,
 * over all its attempts, in tokens and dollars. Time is the goal's only (tasks share the wall clock).
 * Checked before each attempt (`spent + estimate ≤ limit`) and between the model calls of a turn.
 */
export interface PerTaskLimits {
  tokens: number | null;
  usd_micros: number | null;
}

export const NO_PER_TASK_LIMITS: PerTaskLimits = { tokens: null, usd_micros: null };

/** True when a per-task limit is set in any dimension. */
export function hasPerTaskLimits(limits: PerTaskLimits | null | undefined): limits is PerTaskLimits {
  return limits != null && (limits.tokens !== null || limits.usd_micros !== null);
}

/** `--budget-task-tokens` / `--budget-task-usd` (or other field names): same formats as the goal's limits. */
export function parsePerTaskLimits(
  input: { tokens?: string | number | undefined; usd?: string | number | undefined },
  names: { tokens: string; usd: string } = { tokens: '--budget-task-tokens', usd: '--budget-task-usd' },
  code: ErrorCode = 'usage',
): PerTaskLimits {
  return {
    tokens: input.tokens === undefined ? null : parseTokenLimit(input.tokens, { field: names.tokens, code }),
    usd_micros: input.usd === undefined ? null : parseUsdLimit(input.usd, { field: names.usd, code }),
  };
}

/** Before an attempt: `spent + estimate ≤ limit` for the task's own limits (reaching the limit exactly is allowed). */
export function checkTaskBeforeSpawn(limits: PerTaskLimits, taskId: string, spent: CostEstimate, estimate: CostEstimate): BudgetCheck {
  const problems: Array<[BudgetDimension, string]> = [];
  if (limits.tokens !== null && spent.tokens + estimate.tokens > limits.tokens) {
    problems.push([
      'tokens',
      `task ${taskId} tokens: ${spent.tokens} used + ${estimate.tokens} estimated = ${spent.tokens + estimate.tokens}, over the per-task limit of ${limits.tokens}`,
    ]);
  }
  if (limits.usd_micros !== null && spent.usd_micros + estimate.usd_micros > limits.usd_micros) {
    problems.push([
      'usd',
      `task ${taskId} usd: ${formatUsd(spent.usd_micros)} used + ${formatUsd(estimate.usd_micros)} estimated = ` +
        `${formatUsd(spent.usd_micros + estimate.usd_micros)}, over the per-task limit of ${formatUsd(limits.usd_micros)}`,
    ]);
  }
  return verdict(problems);
}

/**
 * Between the model calls of a turn: the task has spent `spent` before this turn and `turn` so far in
 * it. It stops once nothing is left (`spent + turn ≥ limit`): the next call could only overshoot.
 */
export function checkTaskBetweenTurns(limits: PerTaskLimits, taskId: string, spent: CostEstimate, turn: CostEstimate): BudgetCheck {
  const problems: Array<[BudgetDimension, string]> = [];
  if (limits.tokens !== null && spent.tokens + turn.tokens >= limits.tokens) {
    problems.push(['tokens', `task ${taskId} tokens: ${spent.tokens + turn.tokens} used of the per-task limit of ${limits.tokens}`]);
  }
  if (limits.usd_micros !== null && spent.usd_micros + turn.usd_micros >= limits.usd_micros) {
    problems.push(['usd', `task ${taskId} usd: ${formatUsd(spent.usd_micros + turn.usd_micros)} used of the per-task limit of ${formatUsd(limits.usd_micros)}`]);
  }
  return verdict(problems);
}

/**
 * `budget-add --task-tokens/--task-usd`: like `addBudget`, each given amount raises the per-task limit
 * to `max(limit, most any task has spent) + amount`, so the task that hit its cap gets that much fresh
 * room. Adding to a dimension without a per-task limit is a usage error.
 */
export function addPerTaskBudget(
  limits: PerTaskLimits | null,
  mostSpent: CostEstimate,
  addition: { tokens?: number; usd_micros?: number },
  names: { tokens: string; usd: string } = { tokens: '--task-tokens', usd: '--task-usd' },
): { limits: PerTaskLimits; extensions: BudgetExtension[] } {
  const next: PerTaskLimits = { ...(limits ?? NO_PER_TASK_LIMITS) };
  const extensions: BudgetExtension[] = [];
  const entries: Array<['tokens' | 'usd', number | undefined, string]> = [
    ['tokens', addition.tokens, names.tokens],
    ['usd', addition.usd_micros, names.usd],
  ];
  for (const [dimension, amount, field] of entries) {
    if (amount === undefined) continue;
    wholeNonNegative(amount, `${field} amount`);
    if (amount === 0) throw new OmkError('usage', `${field}: the amount to add must be greater than zero`);
    const key = dimension === 'tokens' ? 'tokens' : 'usd_micros';
    const limit = next[key];
    if (limit === null) {
      throw new OmkError('usage', `${field}: the goal has no per-task ${dimension} limit, so there is nothing to add to`, {
        hint: `Leave out ${field}; each task's ${dimension} is limited only by the goal's.`,
      });
    }
    const to = Math.max(limit, dimension === 'tokens' ? mostSpent.tokens : mostSpent.usd_micros) + amount;
    next[key] = to;
    const fmt = dimension === 'usd' ? formatUsd : String;
    extensions.push({ dimension, from: limit, to, text: `per-task ${dimension}: ${fmt(limit)} → ${fmt(to)}` });
  }
  return { limits: next, extensions };
}

function verdict(problems: Array<[BudgetDimension, string]>): BudgetCheck {
  if (problems.length === 0) return { ok: true };
  return { ok: false, exhausted: problems[0]![0], dimensions: problems.map(([d]) => d), detail: problems.map(([, t]) => t).join('; ') };
}
