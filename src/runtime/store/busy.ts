import { OmkError } from '../../core/errors.js';

/** How long to wait for SQLite's write lock before giving up. */
export interface BusyPolicy {
  /** SQLite's own wait per attempt (PRAGMA busy_timeout). @default 2000 */
  busyTimeoutMs: number;
  /** Attempts after the first, each after a jittered pause. @default 4 */
  retries: number;
  /** Base pause between attempts; the pause is base × attempt × (0.5..1.5). @default 25 */
  baseDelayMs: number;
  /** @default Math.random */
  random: () => number;
}

export const DEFAULT_BUSY_POLICY: BusyPolicy = {
  busyTimeoutMs: 2000,
  retries: 4,
  baseDelayMs: 25,
  random: Math.random,
};

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs a synchronous lock-taking step (BEGIN IMMEDIATE), retrying SQLITE_BUSY with
 * jitter so that competing processes do not retry in lockstep.
 */
export async function withBusyRetry<T>(step: () => T, policy: BusyPolicy, what: string): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return step();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (attempt >= policy.retries) throw busyError(what, error);
      const pause = policy.baseDelayMs * (attempt + 1) * (0.5 + policy.random());
      await new Promise<void>((resolve) => setTimeout(resolve, pause));
    }
  }
}

export function busyError(what: string, cause: unknown): OmkError {
  return new OmkError('store_busy', `the omk database stayed locked (${what})`, {
    hint: 'another omk process is writing; try again',
    retryable: true,
    cause,
  });
}
