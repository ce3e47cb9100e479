import { OmkError } from '../errors.js';
import { elapsedMs, tickClock } from './clock.js';
import { formatUsd } from './money.js';
import { formatDurationMs } from './parse.js';
import type { BudgetDimension } from './reservations.js';
import { tokensOf, wholeNonNegative, type BudgetState } from './state.js';

/** `omk goal budget-add` amounts (parse them with `parseTimeLimit`, `parseTokenLimit`, `parseUsdLimit`). */
export interface BudgetAddition {
  time_ms?: number;
  tokens?: number;
  usd_micros?: number;
}

export interface BudgetExtension {
  dimension: BudgetDimension;
  /** Limits before and after, in the dimension's unit (ms, tokens, micro-dollars). */
  from: number;
  to: number;
  /** e.g. `tokens: 1000000 → 1500000`, `usd: $1.00 → $3.50`. */
  text: string;
}

/**
 * `budget-add`: each given amount raises its limit to `max(limit, used) + amount`. So the addition is
 * always fresh room beyond what is already spent: a goal that overshot its $1 limit by $0.20 and gets
 * `--usd 1` may spend $1 more (new limit $2.20), not $0.80. Time's "used" is the running time at `now`.
 *
 * Adding to an unlimited dimension is an error (`usage`), not a no-op: the user asked for more of
 * something the goal has no limit on, which is almost always a mistake (a wrong goal, or a limit they
 * meant to set when the goal started); silently accepting it would hide that. Amounts must be > 0.
 */
export function addBudget(
  state: BudgetState,
  addition: BudgetAddition,
  now: Date,
  names: { time: string; tokens: string; usd: string } = { time: '--time', tokens: '--tokens', usd: '--usd' },
): { state: BudgetState; extensions: BudgetExtension[] } {
  const entries: Array<[BudgetDimension, number | undefined, string]> = [
    ['time', addition.time_ms, names.time],
    ['tokens', addition.tokens, names.tokens],
    ['usd', addition.usd_micros, names.usd],
  ];
  if (entries.every(([, amount]) => amount === undefined)) {
    throw new OmkError('usage', `budget-add: nothing to add; give ${names.time}, ${names.tokens} or ${names.usd}`);
  }
  let next = tickClock(state, now);
  const limits = { ...next.limits };
  const extensions: BudgetExtension[] = [];
  for (const [dimension, amount, field] of entries) {
    if (amount === undefined) continue;
    wholeNonNegative(amount, `${field} amount`);
    if (amount === 0) throw new OmkError('usage', `${field}: the amount to add must be greater than zero`);
    const key = dimension === 'time' ? 'time_ms' : dimension === 'tokens' ? 'tokens' : 'usd_micros';
    const limit = limits[key];
    if (limit === null) {
      throw new OmkError('usage', `${field}: the goal has no ${dimension} limit, so there is nothing to add to`, {
        hint: `Leave out ${field}; the goal's ${dimension} is unlimited.`,
      });
    }
    const used = dimension === 'time' ? elapsedMs(next, now) : dimension === 'tokens' ? tokensOf(next.used) : next.used.usd_micros;
    const to = Math.max(limit, used) + amount;
    limits[key] = to;
    const fmt = dimension === 'time' ? formatDurationMs : dimension === 'usd' ? formatUsd : String;
    extensions.push({ dimension, from: limit, to, text: `${dimension}: ${fmt(limit)} → ${fmt(to)}` });
  }
  next = { ...next, limits };
  return { state: next, extensions };
}
