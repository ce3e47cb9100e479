import { usdToMicros } from './money.js';
import type { ActualUsage } from './state.js';

/** A turn's token counts as engines report them (`TokenUsage`; the cost ledger's `TurnTokens`). */
export interface TurnTokenCounts {
  /** Input not served from cache. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * One turn's usage for the budget, counted the way the cost ledger counts it: `tokens_in` is every
 * input token (uncached + cache reads + cache writes), `tokens_cached` the cache reads among them,
 * and the float `costUsd` becomes micro-dollars once, here. Negative or non-finite counts are 0.
 */
export function usageFromTurn(tokens: TurnTokenCounts, costUsd: number): ActualUsage {
  return {
    tokens_in: whole(tokens.input) + whole(tokens.cacheRead) + whole(tokens.cacheWrite),
    tokens_out: whole(tokens.output),
    tokens_cached: whole(tokens.cacheRead),
    usd_micros: usdToMicros(costUsd),
  };
}

/** Sums usages (e.g. every turn of one attempt). */
export function sumUsage(usages: readonly ActualUsage[]): ActualUsage {
  const total = { tokens_in: 0, tokens_out: 0, tokens_cached: 0, usd_micros: 0 };
  for (const u of usages) {
    total.tokens_in += u.tokens_in;
    total.tokens_out += u.tokens_out;
    total.tokens_cached += u.tokens_cached ?? 0;
    total.usd_micros += u.usd_micros;
  }
  return total;
}

function whole(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}
