import type { BudgetEvidence } from '../proof/evidence.js';
import { elapsedMs } from './clock.js';
import { microsToUsd } from './money.js';
import { reservedOf, tokensOf, type BudgetState } from './state.js';

/**
 * The budget as `omk goal budget --json` prints it (docs/budgets.md, "Report"). Per dimension:
 * `limit` (null = unlimited), `used`, `reserved` (held by running workers), `remaining`
 * (`max(0, limit − used − reserved)`: what a new worker could still reserve; null when unlimited),
 * `exhausted` (`used ≥ limit`), `exceeded` (`used > limit`) and `overshoot` (`max(0, used − limit)`).
 * Time is in milliseconds and is never reserved; USD is in dollars (exact: computed from micro-dollars).
 */
export const BUDGET_REPORT_VERSION = 1;

export interface DimensionReport {
  unit: 'ms' | 'tokens' | 'usd';
  limit: number | null;
  used: number;
  reserved: number;
  remaining: number | null;
  exhausted: boolean;
  exceeded: boolean;
  overshoot: number;
}

export interface BudgetReport {
  version: typeof BUDGET_REPORT_VERSION;
  /** `running` while the goal's running-time clock runs. */
  clock: 'running' | 'stopped';
  time: DimensionReport;
  tokens: DimensionReport & { used_in: number; used_out: number; used_cached: number };
  usd: DimensionReport;
  reservations: Array<{ id: string; task_id: string; tokens: number; usd: number; estimate: { tokens: number; usd: number }; created_at: string }>;
  /** Workers whose actual cost came out above their estimate. */
  overruns: Array<{ reservation_id: string; task_id: string; estimate: { tokens: number; usd: number }; actual: { tokens: number; usd: number }; at: string }>;
}

export function budgetReport(state: BudgetState, now: Date): BudgetReport {
  const reserved = reservedOf(state);
  const usd = dimension('usd', state.limits.usd_micros, state.used.usd_micros, reserved.usd_micros);
  return {
    version: BUDGET_REPORT_VERSION,
    clock: state.clock.since === null ? 'stopped' : 'running',
    time: dimension('ms', state.limits.time_ms, elapsedMs(state, now), 0),
    tokens: {
      ...dimension('tokens', state.limits.tokens, tokensOf(state.used), reserved.tokens),
      used_in: state.used.tokens_in,
      used_out: state.used.tokens_out,
      used_cached: state.used.tokens_cached,
    },
    usd: {
      ...usd,
      limit: usd.limit === null ? null : microsToUsd(usd.limit),
      used: microsToUsd(usd.used),
      reserved: microsToUsd(usd.reserved),
      remaining: usd.remaining === null ? null : microsToUsd(usd.remaining),
      overshoot: microsToUsd(usd.overshoot),
    },
    reservations: state.reservations.map((r) => ({
      id: r.id,
      task_id: r.task_id,
      tokens: r.tokens,
      usd: microsToUsd(r.usd_micros),
      estimate: { tokens: r.estimate.tokens, usd: microsToUsd(r.estimate.usd_micros) },
      created_at: r.created_at,
    })),
    overruns: state.overruns.map((o) => ({
      reservation_id: o.reservation_id,
      task_id: o.task_id,
      estimate: { tokens: o.estimate.tokens, usd: microsToUsd(o.estimate.usd_micros) },
      actual: { tokens: o.actual.tokens, usd: microsToUsd(o.actual.usd_micros) },
      at: o.at,
    })),
  };
}

/**
 * The proof's `budget` section. `exceeded` means `used > limit` now: an overshoot that a later
 * `budget-add` covered is no longer exceeded (the overrun stays in the report).
 */
export function budgetEvidence(state: BudgetState, now: Date): BudgetEvidence {
  const r = budgetReport(state, now);
  return {
    limits: { time_ms: r.time.limit, tokens: r.tokens.limit, usd: r.usd.limit },
    used: { time_ms: r.time.used, tokens: r.tokens.used, usd: r.usd.used },
    reserved: { time_ms: 0, tokens: r.tokens.reserved, usd: r.usd.reserved },
    exceeded: { time: r.time.exceeded, tokens: r.tokens.exceeded, usd: r.usd.exceeded },
  };
}

/** Which dimensions are over their limit (`used > limit`), for the proof's gap and `needs_more_budget`. */
export function exceededDimensions(state: BudgetState, now: Date): Array<'time' | 'tokens' | 'usd'> {
  const r = budgetReport(state, now);
  return (['time', 'tokens', 'usd'] as const).filter((d) => r[d].exceeded);
}

function dimension(unit: DimensionReport['unit'], limit: number | null, used: number, reserved: number): DimensionReport {
  return {
    unit,
    limit,
    used,
    reserved,
    remaining: limit === null ? null : Math.max(0, limit - used - reserved),
    exhausted: limit !== null && used >= limit,
    exceeded: limit !== null && used > limit,
    overshoot: limit === null ? 0 : Math.max(0, used - limit),
  };
}
