import { formatUsd } from './money.js';
import type { CostEstimate } from './state.js';

/**
 * Estimating what the next turn (or attempt) will cost, from what recent ones cost. The controller
 * reserves the estimate before a worker starts; a good estimate keeps reservations honest without
 * starving parallel workers. Pure: the caller passes the history (e.g. from the cost ledger).
 */
export interface CostSample {
  engine: string;
  /** planner, executor, reviewer, … */
  role: string;
  tokens: number;
  usd_micros: number;
  time_ms?: number;
}

export interface EstimateOptions {
  engine: string;
  role: string;
  /** How many of the most recent matching samples to look at. @default 10 */
  window?: number;
  /** Which percentile of them (nearest rank). 50 is the median, 100 the maximum. @default 90 */
  percentile?: number;
  /**
   * The least an estimate may be, per dimension; also the whole estimate when there is no history.
   * @default DEFAULT_ESTIMATE_FLOOR
   */
  floor?: CostEstimate & { time_ms?: number };
  /** Multiplies the result, e.g. the expected number of turns in an attempt. @default 1 */
  scale?: number;
}

/** 50 000 tokens and $0.10: one substantial agent turn on a current model. */
export const DEFAULT_ESTIMATE_FLOOR: CostEstimate = { tokens: 50_000, usd_micros: 100_000 };
export const DEFAULT_ESTIMATE_WINDOW = 10;
export const DEFAULT_ESTIMATE_PERCENTILE = 90;

export interface Estimate extends CostEstimate {
  time_ms?: number;
  /** How it was reached, for logs and `omk goal budget`: `p90 of the last 7 kimi/executor samples`. */
  basis: string;
}

/**
 * Samples of the same engine and role, most recent last; if there are none, the same engine in any
 * role; if none either, the floor. Each dimension is the chosen percentile of the last `window`
 * samples, raised to the floor, times `scale` (rounded up).
 */
export function estimateCost(samples: readonly CostSample[], options: EstimateOptions): Estimate {
  const window = Math.max(1, Math.floor(options.window ?? DEFAULT_ESTIMATE_WINDOW));
  const percentile = Math.min(100, Math.max(1, options.percentile ?? DEFAULT_ESTIMATE_PERCENTILE));
  const floor: CostEstimate & { time_ms?: number } = options.floor ?? DEFAULT_ESTIMATE_FLOOR;
  const scale = options.scale ?? 1;
  const key = `${options.engine}/${options.role}`;

  let basisOf = key;
  let chosen = samples.filter((s) => s.engine === options.engine && s.role === options.role);
  if (chosen.length === 0) {
    chosen = samples.filter((s) => s.engine === options.engine);
    basisOf = `${options.engine} (any role)`;
  }
  const recent = chosen.slice(-window);
  const scaled = (n: number): number => Math.ceil(n * scale);
  if (recent.length === 0) {
    const out: Estimate = {
      tokens: scaled(floor.tokens),
      usd_micros: scaled(floor.usd_micros),
      basis: `no ${key} history: the floor (${floor.tokens} tokens, ${formatUsd(floor.usd_micros)})${scaleText(scale)}`,
    };
    if (floor.time_ms !== undefined) out.time_ms = scaled(floor.time_ms);
    return out;
  }
  const pick = (values: number[]): number => nearestRank(values, percentile);
  const out: Estimate = {
    tokens: scaled(Math.max(floor.tokens, pick(recent.map((s) => s.tokens)))),
    usd_micros: scaled(Math.max(floor.usd_micros, pick(recent.map((s) => s.usd_micros)))),
    basis: `p${percentile} of the last ${recent.length} ${basisOf} sample${recent.length === 1 ? '' : 's'}${scaleText(scale)}`,
  };
  const times = recent.flatMap((s) => (s.time_ms === undefined ? [] : [s.time_ms]));
  if (times.length > 0) out.time_ms = scaled(Math.max(floor.time_ms ?? 0, pick(times)));
  else if (floor.time_ms !== undefined) out.time_ms = scaled(floor.time_ms);
  return out;
}

/** The nearest-rank percentile of `values` (non-empty). */
export function nearestRank(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function scaleText(scale: number): string {
  return scale === 1 ? '' : `, × ${scale}`;
}
