import { OmkError } from '../errors.js';

/**
 * A goal's budget as data: limits, what was spent, what running workers have reserved, and the
 * running-time clock. Every function in src/core/budget takes a state and returns a new one (the
 * input is never mutated); the controller persists it (it is plain JSON) with the event that
 * changed it. Money is integer micro-dollars (money.ts); time is passed in as `now`.
 */
export const BUDGET_STATE_VERSION = 1;

/** `null` members have no limit. */
export interface BudgetLimits {
  /** Active running time, in milliseconds. */
  time_ms: number | null;
  /** Input + output tokens (input includes cache reads; see `tokensOf`). */
  tokens: number | null;
  usd_micros: number | null;
}

export interface BudgetUsed {
  /** Every input token: uncached + cache reads + cache writes (the cost ledger's `tokensIn`). */
  tokens_in: number;
  tokens_out: number;
  /** The cache reads among `tokens_in` (informational: they are already counted in it). */
  tokens_cached: number;
  usd_micros: number;
  /** Active running time accumulated up to `clock.since` (or up to the last stop). */
  time_ms: number;
}

/** A running worker's estimated cost, held against the limits until it is reconciled or released. */
export interface Reservation {
  /** Chosen by the caller (e.g. `task-3#2`); unique among outstanding reservations. */
  id: string;
  task_id: string;
  /** What the reservation still holds: the estimate, less what `charge` has already moved into `used`. */
  tokens: number;
  usd_micros: number;
  /** The original estimate (for overrun detection). */
  estimate: { tokens: number; usd_micros: number };
  /** What `charge` has added to `used` on its behalf so far. */
  charged: { tokens: number; usd_micros: number };
  created_at: string;
}

/** A reservation whose actual cost came out above its estimate. Kept for the record; never cleared. */
export interface Overrun {
  reservation_id: string;
  task_id: string;
  estimate: { tokens: number; usd_micros: number };
  actual: { tokens: number; usd_micros: number };
  at: string;
}

export interface BudgetClock {
  /** ISO time the clock last started or ticked while running; null while stopped (paused, not started, ended). */
  since: string | null;
}

export interface BudgetState {
  version: typeof BUDGET_STATE_VERSION;
  limits: BudgetLimits;
  used: BudgetUsed;
  reservations: Reservation[];
  overruns: Overrun[];
  clock: BudgetClock;
}

/** An estimate of what a worker (or a turn) will cost. */
export interface CostEstimate {
  tokens: number;
  usd_micros: number;
}

/** What a worker actually cost, shaped like a cost-ledger row. */
export interface ActualUsage {
  /** Every input token, cache reads included. */
  tokens_in: number;
  tokens_out: number;
  /** Cache reads among `tokens_in`. @default 0 */
  tokens_cached?: number;
  usd_micros: number;
}

export const NO_LIMITS: BudgetLimits = { time_ms: null, tokens: null, usd_micros: null };

/** A fresh budget: nothing used, nothing reserved, clock stopped. */
export function createBudget(limits: BudgetLimits = NO_LIMITS): BudgetState {
  for (const [key, value] of Object.entries(limits)) {
    if (value !== null) wholeNonNegative(value as number, `limits.${key}`);
  }
  return {
    version: BUDGET_STATE_VERSION,
    limits: { ...limits },
    used: { tokens_in: 0, tokens_out: 0, tokens_cached: 0, usd_micros: 0, time_ms: 0 },
    reservations: [],
    overruns: [],
    clock: { since: null },
  };
}

/** Tokens that count against the token limit: every input token plus every output token. */
export function tokensOf(used: Pick<BudgetUsed, 'tokens_in' | 'tokens_out'>): number {
  return used.tokens_in + used.tokens_out;
}

/** What the outstanding reservations hold, summed. */
export function reservedOf(state: BudgetState): CostEstimate {
  let tokens = 0;
  let usd = 0;
  for (const r of state.reservations) {
    tokens += r.tokens;
    usd += r.usd_micros;
  }
  return { tokens, usd_micros: usd };
}

/** Caller errors (an omk bug, not a user's): negative, fractional or non-finite amounts. */
export function wholeNonNegative(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new OmkError('internal', `budget: ${what} must be a whole non-negative number, got ${String(value)}`);
  }
  return value;
}
