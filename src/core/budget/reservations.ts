import { OmkError } from '../errors.js';
import { elapsedMs, tickClock } from './clock.js';
import { formatUsd } from './money.js';
import { formatDurationMs } from './parse.js';
import {
  reservedOf,
  tokensOf,
  wholeNonNegative,
  type ActualUsage,
  type BudgetState,
  type CostEstimate,
  type Overrun,
  type Reservation,
} from './state.js';

/**
 * Reservations keep parallel workers from jointly overshooting: before a worker starts, its
 * estimated cost is checked against `used + every outstanding reservation + the estimate` and then
 * reserved; when it ends, the reservation is reconciled (actual usage added, reservation dropped) or
 * released (cancel/crash: dropped, nothing added). See docs/budgets.md.
 */
export type BudgetDimension = 'time' | 'tokens' | 'usd';

/** Checked in this order; the first exhausted one is reported. */
export const BUDGET_DIMENSIONS: readonly BudgetDimension[] = ['time', 'tokens', 'usd'];

export type BudgetCheck =
  | { ok: true }
  | {
      ok: false;
      /** The first exhausted dimension (time, then tokens, then usd). */
      exhausted: BudgetDimension;
      /** Every exhausted dimension, in that order. */
      dimensions: BudgetDimension[];
      /** One sentence per exhausted dimension, joined with `; ` (e.g. for `needs_more_budget`'s reason). */
      detail: string;
    };

/** What a new worker is expected to cost. `time_ms`, when given, must also fit in the time left. */
export interface SpawnEstimate extends CostEstimate {
  time_ms?: number;
}

export interface ReservationRequest extends CostEstimate {
  id: string;
  task_id: string;
}

/**
 * May a worker with this estimate start now? Tokens and USD: `used + reserved + estimate ≤ limit`
 * (reaching the limit exactly is allowed). Time is wall-clock shared by parallel workers, so it is not
 * reserved: the check is `elapsed < limit`, and `elapsed + estimate.time_ms ≤ limit` when an estimate
 * of the worker's duration is given.
 */
export function checkBeforeSpawn(state: BudgetState, estimate: SpawnEstimate, now: Date): BudgetCheck {
  checkEstimate(estimate, 'estimate');
  const { limits, used } = state;
  const reserved = reservedOf(state);
  const problems: Array<[BudgetDimension, string]> = [];

  const elapsed = elapsedMs(state, now);
  if (limits.time_ms !== null) {
    if (elapsed >= limits.time_ms) problems.push(['time', timeUsedUp(elapsed, limits.time_ms)]);
    else if (estimate.time_ms !== undefined && elapsed + estimate.time_ms > limits.time_ms) {
      problems.push([
        'time',
        `time: ${formatDurationMs(elapsed)} used + ${formatDurationMs(estimate.time_ms)} estimated = ` +
          `${formatDurationMs(elapsed + estimate.time_ms)}, over the limit of ${formatDurationMs(limits.time_ms)}`,
      ]);
    }
  }
  if (limits.tokens !== null) {
    const total = tokensOf(used) + reserved.tokens + estimate.tokens;
    if (total > limits.tokens) {
      problems.push([
        'tokens',
        `tokens: ${tokensOf(used)} used + ${reserved.tokens} reserved + ${estimate.tokens} estimated = ${total}, ` +
          `over the limit of ${limits.tokens}`,
      ]);
    }
  }
  if (limits.usd_micros !== null) {
    const total = used.usd_micros + reserved.usd_micros + estimate.usd_micros;
    if (total > limits.usd_micros) {
      problems.push([
        'usd',
        `usd: ${formatUsd(used.usd_micros)} used + ${formatUsd(reserved.usd_micros)} reserved + ` +
          `${formatUsd(estimate.usd_micros)} estimated = ${formatUsd(total)}, over the limit of ${formatUsd(limits.usd_micros)}`,
      ]);
    }
  }
  return verdict(problems);
}

export interface BetweenTurnsOptions {
  /**
   * The reservation of the worker asking. Its spend may then use its own reservation and any
   * unreserved room, but not what other running workers have reserved.
   */
  reservationId?: string;
  /** The next turn's expected cost: the worker stops unless it fits. @default nothing (any room left is enough) */
  nextTurn?: SpawnEstimate;
}

/**
 * Should a running agent take another turn? Time: `elapsed < limit` (and the next turn's duration
 * fits, when given). Tokens/USD without `reservationId`: `used < limit` — reservations are promises,
 * not spend, so they never stop a turn on their own. With `reservationId`: the worker's room is
 * `limit − used − what the other reservations hold`; it is exhausted when that room is ≤ 0 or smaller
 * than `nextTurn`.
 */
export function checkBetweenTurns(state: BudgetState, now: Date, options: BetweenTurnsOptions = {}): BudgetCheck {
  const { limits, used } = state;
  const next = options.nextTurn;
  if (next) checkEstimate(next, 'nextTurn');
  const own = options.reservationId === undefined ? undefined : state.reservations.find((r) => r.id === options.reservationId);
  const reserved = reservedOf(state);
  const others = own ? { tokens: reserved.tokens - own.tokens, usd_micros: reserved.usd_micros - own.usd_micros } : { tokens: 0, usd_micros: 0 };
  const problems: Array<[BudgetDimension, string]> = [];

  const elapsed = elapsedMs(state, now);
  if (limits.time_ms !== null) {
    if (elapsed >= limits.time_ms) problems.push(['time', timeUsedUp(elapsed, limits.time_ms)]);
    else if (next?.time_ms !== undefined && elapsed + next.time_ms > limits.time_ms) {
      problems.push(['time', `time: ${formatDurationMs(limits.time_ms - elapsed)} left, the next turn is estimated at ${formatDurationMs(next.time_ms)}`]);
    }
  }
  const room = (limit: number, spent: number, held: number, need: number, fmt: (n: number) => string, what: string): string | undefined => {
    const left = limit - spent - held;
    if (left > 0 && left >= need) return undefined;
    const heldText = held > 0 ? ` (+ ${fmt(held)} reserved by other workers)` : '';
    if (left <= 0) return `${what}: ${fmt(spent)} used${heldText} of the ${fmt(limit)} limit`;
    return `${what}: ${fmt(left)} left${heldText}, the next turn is estimated at ${fmt(need)}`;
  };
  if (limits.tokens !== null) {
    const p = room(limits.tokens, tokensOf(used), others.tokens, next?.tokens ?? 0, String, 'tokens');
    if (p) problems.push(['tokens', p]);
  }
  if (limits.usd_micros !== null) {
    const p = room(limits.usd_micros, used.usd_micros, others.usd_micros, next?.usd_micros ?? 0, formatUsd, 'usd');
    if (p) problems.push(['usd', p]);
  }
  return verdict(problems);
}

/** Holds `request`'s estimate against the limits. Does not check them: use `admit`, or `checkBeforeSpawn` first. */
export function reserve(state: BudgetState, request: ReservationRequest, now: Date): BudgetState {
  checkEstimate(request, `reservation ${request.id}`);
  if (state.reservations.some((r) => r.id === request.id)) {
    throw new OmkError('internal', `budget: reservation ${request.id} is already outstanding`);
  }
  const reservation: Reservation = {
    id: request.id,
    task_id: request.task_id,
    tokens: request.tokens,
    usd_micros: request.usd_micros,
    estimate: { tokens: request.tokens, usd_micros: request.usd_micros },
    charged: { tokens: 0, usd_micros: 0 },
    created_at: now.toISOString(),
  };
  const ticked = tickClock(state, now);
  return { ...ticked, reservations: [...ticked.reservations, reservation] };
}

export type Admission = { ok: true; state: BudgetState; reservation: Reservation } | Extract<BudgetCheck, { ok: false }>;

/** `checkBeforeSpawn` and, when it passes, `reserve`: the one call the dispatcher needs. */
export function admit(state: BudgetState, request: ReservationRequest & { time_ms?: number }, now: Date): Admission {
  const check = checkBeforeSpawn(state, request, now);
  if (!check.ok) return check;
  const next = reserve(state, { id: request.id, task_id: request.task_id, tokens: request.tokens, usd_micros: request.usd_micros }, now);
  return { ok: true, state: next, reservation: next.reservations.at(-1)! };
}

/**
 * Adds one turn's usage while the worker is still running. The reservation holds that much less
 * (never below zero), so `used + reserved` stays the same while the worker is within its estimate.
 * An unknown id (already reconciled, or never reserved) is plain `spend`: real usage is never dropped.
 */
export function charge(state: BudgetState, reservationId: string, usage: ActualUsage, now: Date): BudgetState {
  checkUsage(usage);
  const index = state.reservations.findIndex((r) => r.id === reservationId);
  if (index < 0) return spend(state, usage, now);
  const r = state.reservations[index]!;
  const tokens = tokensOf(usage);
  const updated: Reservation = {
    ...r,
    tokens: Math.max(0, r.tokens - tokens),
    usd_micros: Math.max(0, r.usd_micros - usage.usd_micros),
    charged: { tokens: r.charged.tokens + tokens, usd_micros: r.charged.usd_micros + usage.usd_micros },
  };
  const reservations = state.reservations.slice();
  reservations[index] = updated;
  const next = addUsed({ ...state, reservations }, usage);
  return noteOverrun(tickClock(next, now), updated, updated.charged, now);
}

/**
 * The worker ended: adds `usage` (what was not already `charge`d — all of it when `charge` was never
 * called; omit it when every turn was charged) and drops the reservation. When the worker's total
 * came out above its estimate, an `Overrun` is recorded; if that pushes `used` over a limit, the
 * report flags the overshoot. An unknown id adds `usage` as plain `spend`.
 */
export function reconcile(state: BudgetState, reservationId: string, usage: ActualUsage | undefined, now: Date): BudgetState {
  if (usage) checkUsage(usage);
  const r = state.reservations.find((x) => x.id === reservationId);
  if (!r) return usage ? spend(state, usage, now) : tickClock(state, now);
  const remaining = state.reservations.filter((x) => x.id !== reservationId);
  const withUsage = usage ? addUsed({ ...state, reservations: remaining }, usage) : { ...state, reservations: remaining };
  const total = {
    tokens: r.charged.tokens + (usage ? tokensOf(usage) : 0),
    usd_micros: r.charged.usd_micros + (usage?.usd_micros ?? 0),
  };
  return noteOverrun(tickClock(withUsage, now), r, total, now);
}

/** Cancel or crash: drops the reservation, adds nothing (turns already `charge`d stay spent). Unknown ids are ignored. */
export function release(state: BudgetState, reservationId: string, now: Date): BudgetState {
  const ticked = tickClock(state, now);
  if (!ticked.reservations.some((r) => r.id === reservationId)) return ticked;
  return { ...ticked, reservations: ticked.reservations.filter((r) => r.id !== reservationId) };
}

/** Usage outside any reservation (e.g. a planner or reviewer turn the controller ran itself). */
export function spend(state: BudgetState, usage: ActualUsage, now: Date): BudgetState {
  checkUsage(usage);
  return tickClock(addUsed(state, usage), now);
}

function addUsed(state: BudgetState, usage: ActualUsage): BudgetState {
  const u = state.used;
  return {
    ...state,
    used: {
      ...u,
      tokens_in: u.tokens_in + usage.tokens_in,
      tokens_out: u.tokens_out + usage.tokens_out,
      tokens_cached: u.tokens_cached + (usage.tokens_cached ?? 0),
      usd_micros: u.usd_micros + usage.usd_micros,
    },
  };
}

function noteOverrun(state: BudgetState, r: Reservation, actual: { tokens: number; usd_micros: number }, now: Date): BudgetState {
  if (actual.tokens <= r.estimate.tokens && actual.usd_micros <= r.estimate.usd_micros) return state;
  const entry: Overrun = { reservation_id: r.id, task_id: r.task_id, estimate: r.estimate, actual, at: now.toISOString() };
  const others = state.overruns.filter((o) => o.reservation_id !== r.id);
  return { ...state, overruns: [...others, entry] };
}

function timeUsedUp(elapsed: number, limit: number): string {
  return `time: ${formatDurationMs(elapsed)} used of the ${formatDurationMs(limit)} limit`;
}

function verdict(problems: Array<[BudgetDimension, string]>): BudgetCheck {
  if (problems.length === 0) return { ok: true };
  return {
    ok: false,
    exhausted: problems[0]![0],
    dimensions: problems.map(([d]) => d),
    detail: problems.map(([, text]) => text).join('; '),
  };
}

function checkEstimate(e: SpawnEstimate, what: string): void {
  wholeNonNegative(e.tokens, `${what}.tokens`);
  wholeNonNegative(e.usd_micros, `${what}.usd_micros`);
  if (e.time_ms !== undefined) wholeNonNegative(e.time_ms, `${what}.time_ms`);
}

function checkUsage(u: ActualUsage): void {
  wholeNonNegative(u.tokens_in, 'usage.tokens_in');
  wholeNonNegative(u.tokens_out, 'usage.tokens_out');
  wholeNonNegative(u.tokens_cached ?? 0, 'usage.tokens_cached');
  wholeNonNegative(u.usd_micros, 'usage.usd_micros');
}
