import { createBudget, type ActualUsage, type BudgetLimits, type BudgetState } from '../../../src/core/budget/index.js';

export const T0 = new Date('2025-01-01T00:00:00.000Z');

/** `T0` plus `ms`. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

export function limits(partial: Partial<BudgetLimits>): BudgetLimits {
  return { time_ms: null, tokens: null, usd_micros: null, ...partial };
}

export function budget(partial: Partial<BudgetLimits>): BudgetState {
  return createBudget(limits(partial));
}

/** Usage with `tokens` split 3:1 between input and output. */
export function usage(tokens: number, usd_micros = 0): ActualUsage {
  const out = Math.floor(tokens / 4);
  return { tokens_in: tokens - out, tokens_out: out, tokens_cached: 0, usd_micros };
}
