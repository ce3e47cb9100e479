import { retryDelayMs, type Notification, type NotifySettings, type NotifyTarget } from '../../core/notify/index.js';
import { sendOnce, type SendOptions } from './send.js';

/** A fact about one delivery, for the goal's log (notify.attempt_failed / delivered / failed) or a report. */
export type DeliveryFact =
  | { type: 'notify.attempt_failed'; attempt: number; error: string; retry_in_ms: number }
  | { type: 'notify.delivered'; attempts: number; detail: string }
  | { type: 'notify.failed'; attempts: number; error: string; retryable: boolean };

export interface DeliverOptions extends SendOptions {
  settings: Pick<NotifySettings, 'retries' | 'retryBackoffMs'>;
  /** Told every attempt's failure and the final outcome, in order. A throw is not the delivery's problem. */
  onFact?: (fact: DeliveryFact) => Promise<void> | void;
}

/**
 * Sends with retries: a retryable failure waits the backoff (doubling) and tries again, up to
 * `retries` more times; a failure that cannot pass (an HTTP 4xx, a missing command) ends at once.
 * Never throws; returns the final fact. Cancelling `signal` ends the wait and the delivery.
 */
export async function deliverWithRetries(target: NotifyTarget, n: Notification, opts: DeliverOptions): Promise<DeliveryFact> {
  const tell = async (fact: DeliveryFact): Promise<DeliveryFact> => {
    try {
      await opts.onFact?.(fact);
    } catch {
      // Recording is best effort here; the caller logs its own failures.
    }
    return fact;
  };
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await sendOnce(target, n, opts);
    if (outcome.ok) return tell({ type: 'notify.delivered', attempts: attempt, detail: outcome.detail });
    const retry = attempt; // the number of the retry that would follow
    if (!outcome.retryable || retry > opts.settings.retries || opts.signal?.aborted) {
      return tell({ type: 'notify.failed', attempts: attempt, error: outcome.error, retryable: outcome.retryable });
    }
    const wait = retryDelayMs(retry, opts.settings.retryBackoffMs);
    await tell({ type: 'notify.attempt_failed', attempt, error: outcome.error, retry_in_ms: wait });
    if (!(await sleep(wait, opts.signal))) return tell({ type: 'notify.failed', attempts: attempt, error: `${outcome.error} (cancelled before the next retry)`, retryable: true });
  }
}

/** Resolves true after `ms`, false at once when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
