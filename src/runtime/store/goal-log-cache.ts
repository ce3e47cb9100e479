import type { EventEnvelope } from '../../core/events/envelope.js';
import { applyEvent, emptyGoalLog, type GoalLog } from '../../core/goal/controller/goal-log.js';
import { copyLog, decodeLogSnapshot, encodeLogSnapshot, FOLD_VERSION } from '../../core/goal/controller/log-snapshot.js';

/** What the cache reads, through whichever connection or transaction the caller is in. */
export interface LogSource {
  headSeq(goalId: string): Promise<number> | number;
  /** The stored snapshot, if any (of any fold version). */
  snapshot(goalId: string): Promise<StoredSnapshot | undefined> | StoredSnapshot | undefined;
  eventsAfter(goalId: string, seq: number): Promise<EventEnvelope[]> | EventEnvelope[];
}

export interface StoredSnapshot {
  seq: number;
  foldVersion: number;
  log: string;
}

/** Snapshots are written when the log has grown this many events past the last one. */
export const SNAPSHOT_EVERY = 64;

/**
 * Each goal's folded log, kept current by folding only the events after the last seq it saw (the
 * incremental reducer), starting from the store's snapshot when that is newer. Shared by both store
 * implementations. `current` hands out copies, so callers never see the cache change under them.
 */
export class GoalLogCache {
  private readonly logs = new Map<string, GoalLog>();
  /** The seq of the snapshot last read or written per goal (0: none). */
  private readonly snapshotSeq = new Map<string, number>();

  /** The goal's log as of the source's head. */
  async current(goalId: string, source: LogSource): Promise<GoalLog> {
    return copyLog(await this.bringUp(goalId, source));
  }

  /**
   * Inside a write transaction, after its appends: writes a new snapshot through `write` when the log
   * has grown SNAPSHOT_EVERY events past the last one. A failure here must never undo the transaction's
   * real work, so it is reported to `onError` and the snapshot skipped (readers fold the tail instead).
   */
  async maybeSnapshot(goalId: string, source: LogSource, write: (seq: number, text: string) => Promise<void> | void, onError: (error: unknown) => void): Promise<void> {
    try {
      const head = await source.headSeq(goalId);
      if (!this.snapshotSeq.has(goalId)) {
        const stored = await source.snapshot(goalId);
        this.snapshotSeq.set(goalId, stored && stored.foldVersion === FOLD_VERSION ? stored.seq : 0);
      }
      if (head - (this.snapshotSeq.get(goalId) ?? 0) < SNAPSHOT_EVERY) return;
      const log = await this.bringUp(goalId, source);
      await write(log.lastSeq, encodeLogSnapshot(log));
      this.snapshotSeq.set(goalId, log.lastSeq);
    } catch (error) {
      this.forget(goalId);
      onError(error);
    }
  }

  /** Drops what is cached for a goal (after a rolled-back transaction that may have folded its events). */
  forget(goalId: string): void {
    this.logs.delete(goalId);
    this.snapshotSeq.delete(goalId);
  }

  private async bringUp(goalId: string, source: LogSource): Promise<GoalLog> {
    const head = await source.headSeq(goalId);
    let log = this.logs.get(goalId);
    if (log && log.lastSeq > head) log = undefined; // the cache saw a transaction that rolled back
    if (!log || head - log.lastSeq > SNAPSHOT_EVERY) {
      const stored = await source.snapshot(goalId);
      const decoded = stored && stored.seq <= head && (!log || stored.seq > log.lastSeq) ? decodeLogSnapshot(stored.log) : undefined;
      if (decoded) {
        log = decoded;
        this.snapshotSeq.set(goalId, stored!.seq);
      }
    }
    log ??= emptyGoalLog();
    if (log.lastSeq < head) for (const e of await source.eventsAfter(goalId, log.lastSeq)) applyEvent(log, e);
    this.logs.set(goalId, log);
    return log;
  }
}
