import type { GateOutcome } from './evidence.js';

/**
 * A circuit breaker per gate (keyed by repository and gate name). It protects a run from a gate
 * whose *environment* is broken — the command is missing, the machine cannot finish it in time —
 * so that a loop does not burn attempts on it. Ordinary test failures never count: a failing test
 * is exactly what the loop is there to fix, and it proves the gate itself works.
 *
 *   closed --(threshold consecutive infra failures)--> open
 *   open --(cool-down elapsed, on the next admission)--> half_open (one probe run allowed)
 *   half_open --(probe ran to an exit status, pass or fail)--> closed
 *   half_open --(probe had an infra failure)--> open (cool-down starts again)
 *   any --(reset)--> closed
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerRecord {
  /** The repository (its root path) the gate belongs to. */
  scope: string;
  gate: string;
  state: BreakerState;
  consecutive_failures: number;
  /** When it last opened (ISO). */
  opened_at?: string;
  /** The last infrastructure failure, in a sentence. */
  last_reason?: string;
  updated_at: string;
}

export interface BreakerPolicy {
  /** Consecutive infrastructure failures that open the breaker. @default 3 */
  threshold: number;
  /** How long an open breaker refuses before allowing one probe. @default 300000 (5 min) */
  cooldownMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = { threshold: 3, cooldownMs: 5 * 60_000 };

export interface BreakerTransition {
  gate: string;
  from: BreakerState;
  to: BreakerState;
  reason: string;
  consecutive_failures: number;
}

/** How an outcome feeds the breaker. */
export type BreakerSignal = 'success' | 'infra_failure' | 'neutral';

export function breakerSignal(outcome: GateOutcome): BreakerSignal {
  switch (outcome) {
    case 'passed':
    case 'failed': // the command ran to an exit status: the gate's infrastructure works
      return 'success';
    case 'infra_error':
    case 'timed_out':
      return 'infra_failure';
    case 'canceled':
    case 'breaker_open':
      return 'neutral';
  }
}

export function closedBreaker(scope: string, gate: string, now: Date): BreakerRecord {
  return { scope, gate, state: 'closed', consecutive_failures: 0, updated_at: now.toISOString() };
}

export type Admission =
  | { allowed: true; record: BreakerRecord; transition?: BreakerTransition }
  | { allowed: false; record: BreakerRecord; reason: string; retry_at: string };

/** Decides whether a gate may run now. An open breaker past its cool-down turns half-open and admits a probe. */
export function admit(record: BreakerRecord, now: Date, policy: BreakerPolicy = DEFAULT_BREAKER_POLICY): Admission {
  if (record.state !== 'open') return { allowed: true, record };
  const openedAt = Date.parse(record.opened_at ?? record.updated_at);
  const retryAt = new Date(openedAt + policy.cooldownMs);
  if (now.getTime() < retryAt.getTime()) {
    return {
      allowed: false,
      record,
      retry_at: retryAt.toISOString(),
      reason:
        `circuit breaker open after ${record.consecutive_failures} consecutive infrastructure failure(s)` +
        `${record.last_reason ? ` (last: ${record.last_reason})` : ''}; ` +
        `a probe is allowed from ${retryAt.toISOString()}, or run \`omk gates reset ${record.gate}\``,
    };
  }
  const next: BreakerRecord = { ...record, state: 'half_open', updated_at: now.toISOString() };
  return { allowed: true, record: next, transition: transition(record, next, 'cool-down elapsed; one probe run allowed') };
}

/** Feeds one run's outcome to the breaker. Returns the new record and the transition, if the state changed. */
export function recordOutcome(
  record: BreakerRecord,
  outcome: GateOutcome,
  reason: string,
  now: Date,
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
): { record: BreakerRecord; transition?: BreakerTransition } {
  const signal = breakerSignal(outcome);
  if (signal === 'neutral') return { record };
  const ts = now.toISOString();
  if (signal === 'success') {
    if (record.state === 'closed' && record.consecutive_failures === 0) return { record };
    const next: BreakerRecord = { scope: record.scope, gate: record.gate, state: 'closed', consecutive_failures: 0, updated_at: ts };
    return record.state === 'closed' ? { record: next } : { record: next, transition: transition(record, next, `probe ran: ${reason}`) };
  }
  const failures = record.consecutive_failures + 1;
  const opens = record.state === 'half_open' || (record.state === 'closed' && failures >= policy.threshold);
  const next: BreakerRecord = {
    ...record,
    state: opens ? 'open' : record.state,
    consecutive_failures: failures,
    last_reason: reason,
    updated_at: ts,
    ...(opens ? { opened_at: ts } : {}),
  };
  if (!opens) return { record: next };
  const why = record.state === 'half_open' ? `probe failed: ${reason}` : `${failures} consecutive infrastructure failures (last: ${reason})`;
  return { record: next, transition: transition(record, next, why) };
}

/** `omk gates reset NAME`: closes the breaker whatever its state. */
export function resetBreaker(record: BreakerRecord, now: Date): { record: BreakerRecord; transition?: BreakerTransition } {
  const next = closedBreaker(record.scope, record.gate, now);
  if (record.state === 'closed') return { record: next };
  return { record: next, transition: transition(record, next, 'reset by hand') };
}

function transition(from: BreakerRecord, to: BreakerRecord, reason: string): BreakerTransition {
  return { gate: to.gate, from: from.state, to: to.state, reason, consecutive_failures: to.consecutive_failures };
}
