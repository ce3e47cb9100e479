import type { BudgetState } from './state.js';

/**
 * Running time. Only time the goal spends `running` counts: the controller starts the clock when it
 * starts (or resumes) running the goal and stops it when the goal pauses, waits for budget, or
 * ends. Every budget function that takes `now` also ticks the clock, folding the time since the last
 * tick into `used.time_ms`, so the persisted state is never further behind than the last write.
 *
 * After a crash (`kill -9`) the persisted state still says the clock was running since the last
 * tick. `startClock` on resume restarts it from `now` without counting the gap: the time the
 * controller was dead is not running time. At most the time since the last persisted tick is lost.
 */

/** Starts (or restarts) the clock at `now`. A stale running clock (after a crash) is restarted, not caught up. */
export function startClock(state: BudgetState, now: Date): BudgetState {
  return { ...state, clock: { since: now.toISOString() } };
}

/** Folds the time since the last tick into `used.time_ms`; a stopped clock is left as it is. */
export function tickClock(state: BudgetState, now: Date): BudgetState {
  const since = state.clock.since;
  if (since === null) return state;
  const delta = Math.max(0, now.getTime() - Date.parse(since));
  return { ...state, used: { ...state.used, time_ms: state.used.time_ms + delta }, clock: { since: now.toISOString() } };
}

/** Ticks, then stops the clock (pause, needs more budget, terminal status). */
export function stopClock(state: BudgetState, now: Date): BudgetState {
  const ticked = tickClock(state, now);
  return { ...ticked, clock: { since: null } };
}

/** Running time used by `now`, ticking included. A clock that went backwards counts nothing. */
export function elapsedMs(state: BudgetState, now: Date): number {
  const since = state.clock.since;
  if (since === null) return state.used.time_ms;
  return state.used.time_ms + Math.max(0, now.getTime() - Date.parse(since));
}

export function isClockRunning(state: BudgetState): boolean {
  return state.clock.since !== null;
}
