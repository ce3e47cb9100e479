import path from 'node:path';
import type { FeedMessage, FeedSubscription, GoalFeed, LaggedMessage, LiveMessage } from '../../core/feed/feed.js';
import { typedEvent } from '../../core/events/event-types.js';
import type { GoalEvent } from '../../core/events/envelope.js';
import type { WorkerView } from '../../core/goal/view/goal-view.js';
import { openStore, type SqliteStore } from '../store/sqlite-store.js';
import { ChangeSignal } from './change-signal.js';
import { askWorkers, LiveSubscription } from './live-client.js';

/** Committed events read per query; a subscriber far behind catches up in batches of this size. */
const BATCH = 256;
/** Live messages queued for one subscriber before the oldest are dropped (and counted as lagged). */
const LIVE_QUEUE = 1024;

export interface SqliteFeedOptions {
  dbFile: string;
  goalsDir: string;
}

/**
 * The goal feed over the SQLite store (core/feed/feed.ts, docs/goal-view.md): its own read-only
 * connection, a change signal (file watch + data_version), and indexed reads after the cursor —
 * never a re-read of a whole log. Live activity comes from the live sockets of the processes that run
 * agents (live-hub.ts). Works from any process: the controller, `omk worker`, another terminal.
 */
export class SqliteFeed implements GoalFeed {
  private readonly signal: ChangeSignal;

  private constructor(
    private readonly store: SqliteStore,
    private readonly omkDir: string,
  ) {
    this.signal = new ChangeSignal(store.dbFile, () => store.dataVersion());
  }

  static async open(options: SqliteFeedOptions): Promise<SqliteFeed> {
    const store = await openStore({ dbFile: options.dbFile, goalsDir: options.goalsDir, readOnly: true });
    return new SqliteFeed(store, path.dirname(options.dbFile));
  }

  workers(goalId: string): Promise<WorkerView[]> {
    return askWorkers(this.omkDir, goalId);
  }

  async close(): Promise<void> {
    this.signal.close();
    await this.store.close();
  }

  subscribe(sub: FeedSubscription): AsyncIterable<FeedMessage> {
    return { [Symbol.asyncIterator]: () => this.iterate(sub) };
  }

  private async *iterate(sub: FeedSubscription): AsyncGenerator<FeedMessage, void, undefined> {
    const live: Array<LiveMessage | LaggedMessage> = [];
    let missed = 0;
    // Set by every wake-up source, cleared before each read, so a notification between a read and
    // the wait is never lost.
    let dirty = true;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      dirty = true;
      const w = wake;
      wake = undefined;
      w?.();
    };
    const liveSub =
      sub.live === false
        ? undefined
        : new LiveSubscription(this.omkDir, sub.goal ?? null, (m) => {
            if (live.length >= LIVE_QUEUE) {
              live.shift();
              missed += 1;
            }
            live.push(m);
            notify();
          });
    const unwatch = this.signal.on(notify);
    sub.signal?.addEventListener('abort', notify, { once: true });
    let seq = sub.afterSeq ?? 0;
    let position = sub.afterPosition ?? 0;
    try {
      while (!sub.signal?.aborted) {
        let full = false;
        if (dirty) {
          dirty = false;
          const goal = sub.goal;
          const batch: Array<{ event: GoalEvent; position: number | null }> =
            goal !== undefined
              ? (await this.store.readEventsAfter(goal, seq, BATCH)).map((e) => ({ event: { ...e, goal_id: goal }, position: null }))
              : (await this.store.readFeed(position, BATCH)).map(({ position: at, ...event }) => ({ event, position: at }));
          full = batch.length === BATCH;
          for (const [i, { event, position: at }] of batch.entries()) {
            if (sub.signal?.aborted) return;
            if (at === null) seq = event.seq;
            else position = at;
            yield { kind: 'event', event, typed: typedEvent(event), position: at, latest: !full && i === batch.length - 1 };
          }
          if (full) dirty = true;
        }
        if (missed > 0) {
          const n = missed;
          missed = 0;
          yield { kind: 'lagged', missed: n };
        }
        while (live.length > 0) {
          if (sub.signal?.aborted) return;
          yield live.shift()!;
        }
        if (!dirty && live.length === 0 && !sub.signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      liveSub?.close();
      unwatch();
      sub.signal?.removeEventListener('abort', notify);
    }
  }
}
