import type { GoalFeed } from '../../core/feed/feed.js';
import { foldNotifyEvent, initialNotifyState, nextApprovalDue, takeDueApprovals, takeNotifications, type Notification, type NotifySettings, type NotifyTarget } from '../../core/notify/index.js';
import type { Store } from '../../core/store/store.js';
import { describeError } from '../../core/errors.js';
import { deliverWithRetries, type DeliveryFact } from './deliver.js';

export interface NotifierOptions {
  /** The goal feed the notifier reads committed events from (its own subscription, off the goal loop). */
  feed: GoalFeed;
  /** Where delivery outcomes are recorded, in the goal's own log. */
  store: Store;
  goalId: string;
  /** Triggers at or before this seq happened before this process started: they are not sent again. */
  notifyAfterSeq: number;
  settings: NotifySettings;
  repository: string | null;
  env: Readonly<Record<string, string | undefined>>;
  platform?: string;
  /** @default Date.now */
  now?: () => number;
  warn: (message: string) => void;
}

export interface Notifier {
  /**
   * Waits until every event up to `untilSeq` has been read and every delivery it started (with its
   * retries) has ended, then stops reading. `signal` cuts the wait short and cancels what is in flight.
   */
  finish(opts: { untilSeq: number; signal?: AbortSignal }): Promise<void>;
}

/**
 * The notifier of one goal (docs/notify.md): a feed subscriber in the process that drives the goal.
 * It never runs on the goal loop — the loop commits an event and goes on; the notifier reads it from
 * the feed afterwards, sends, retries with backoff, and records each outcome as a `notify.*` event
 * (always after the event that triggered it).
 */
export function startNotifier(o: NotifierOptions): Notifier {
  const state = initialNotifyState(o.goalId, o.notifyAfterSeq);
  const reading = new AbortController();
  const sending = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  const waiters: Array<{ seq: number; resolve: () => void }> = [];
  let ended = false;
  const now = o.now ?? Date.now;
  let approvalTimer: NodeJS.Timeout | undefined;

  /** Wakes when the earliest waiting approval has waited long enough (re-armed after every read). */
  const armApprovalTimer = (): void => {
    if (approvalTimer) clearTimeout(approvalTimer);
    approvalTimer = undefined;
    if (ended || !o.settings.targets.some((t) => t.on.has('approval_waiting'))) return;
    const due = nextApprovalDue(state, o.settings.approvalWaitMs);
    if (due === null) return;
    approvalTimer = setTimeout(() => {
      approvalTimer = undefined;
      if (ended) return;
      for (const n of takeDueApprovals(state, now(), o.settings.approvalWaitMs, o.repository)) dispatch(n);
      armApprovalTimer();
    }, Math.max(0, due - now()));
    // Waiting for an approval never keeps a finished process alive.
    approvalTimer.unref();
  };

  const release = (): void => {
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const w = waiters[i]!;
      if (ended || state.lastSeq >= w.seq) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const record = async (target: NotifyTarget, n: Notification, fact: DeliveryFact): Promise<void> => {
    const common = { target: target.name, kind: target.kind, trigger: n.trigger, trigger_seq: n.event_seq };
    try {
      await o.store.transaction(async (tx) => {
        if (fact.type === 'notify.attempt_failed') {
          await tx.appendEvent(o.goalId, fact.type, { ...common, attempt: fact.attempt, error: fact.error, retry_in_ms: fact.retry_in_ms });
        } else if (fact.type === 'notify.delivered') {
          await tx.appendEvent(o.goalId, fact.type, { ...common, attempts: fact.attempts, detail: fact.detail });
        } else {
          await tx.appendEvent(o.goalId, fact.type, { ...common, attempts: fact.attempts, error: fact.error, retryable: fact.retryable });
        }
      });
    } catch (error) {
      o.warn(`notify: the outcome of notifying ${target.name} was not recorded: ${describeError(error)}`);
    }
  };

  const dispatch = (n: Notification): void => {
    for (const target of o.settings.targets) {
      if (!(target.on as ReadonlySet<string>).has(n.trigger)) continue;
      const p = deliverWithRetries(target, n, {
        timeoutMs: o.settings.timeoutMs,
        env: o.env,
        signal: sending.signal,
        settings: o.settings,
        onFact: (fact) => record(target, n, fact),
        ...(o.platform ? { platform: o.platform } : {}),
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  };

  const loop = (async () => {
    try {
      for await (const m of o.feed.subscribe({ goal: o.goalId, afterSeq: 0, live: false, signal: reading.signal })) {
        if (m.kind !== 'event') continue;
        foldNotifyEvent(state, m.event);
        if (m.latest) {
          for (const n of takeNotifications(state, o.repository)) dispatch(n);
          armApprovalTimer();
          release();
        }
      }
    } catch (error) {
      o.warn(`notify: stopped reading the goal's events: ${describeError(error)}`);
    } finally {
      ended = true;
      if (approvalTimer) clearTimeout(approvalTimer);
      release();
    }
  })();

  return {
    async finish({ untilSeq, signal }) {
      const onAbort = (): void => {
        sending.abort();
        reading.abort();
        ended = true;
        release();
      };
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await new Promise<void>((resolve) => {
          waiters.push({ seq: untilSeq, resolve });
          release();
        });
        reading.abort();
        await loop;
        while (inflight.size > 0) await Promise.allSettled([...inflight]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
