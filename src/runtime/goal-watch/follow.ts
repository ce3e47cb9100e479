import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { OmkError } from '../../core/errors.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { parseEventLog } from '../../core/events/parse-log.js';

/**
 * Follows a goal's events.jsonl as other processes append to it (`omk goal watch`). Reads only the
 * bytes added since the last poll and consumes them up to the last newline, so a torn last line
 * (a write in progress, or a crash mid-write that the next store open heals) is left for a later
 * poll. Events are handed out once each, in seq order: duplicates and lines at or below the last
 * seq seen are skipped, and a file that shrank (rewritten by a heal) is re-read from the start.
 */
export class EventLogFollower {
  private offset = 0;
  private lastSeq = 0;

  constructor(
    readonly file: string,
    /** Only events with seq >= from are returned. @default 1 */
    private readonly from = 1,
  ) {}

  /** The highest seq handed out so far (0 before any). */
  get seq(): number {
    return this.lastSeq;
  }

  /** New complete events since the previous poll; [] when the file does not exist yet. */
  poll(): EventEnvelope[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw new OmkError('io', `cannot read ${this.file}`, { cause: error });
    }
    let chunk: Buffer;
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0; // rewritten: start over, seq dedupes
      if (size === this.offset) return [];
      chunk = Buffer.alloc(size - this.offset);
      let read = 0;
      while (read < chunk.length) {
        const n = readSync(fd, chunk, read, chunk.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      chunk = chunk.subarray(0, read);
    } finally {
      closeSync(fd);
    }
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) return []; // only a torn line so far
    this.offset += end + 1;
    const { events } = parseEventLog(chunk.subarray(0, end + 1).toString('utf8'));
    const out: EventEnvelope[] = [];
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      if (e.seq >= this.from) out.push(e);
    }
    return out;
  }
}

export interface WatchGoalOptions {
  file: string;
  /** @default 1 */
  from?: number;
  /** @default 250 */
  intervalMs?: number;
  signal: AbortSignal;
  /** Receives each batch of new events (seq >= from, in order) and every event read so far. */
  onEvents: (batch: readonly EventEnvelope[], all: readonly EventEnvelope[]) => void;
  /** Decides, after a quiet poll, whether the goal is finished (e.g. a terminal status). */
  isDone: (all: readonly EventEnvelope[]) => boolean;
  /**
   * Keep the poll timer ref'd. The timer is unref'd by default so a library caller's watch never holds
   * the process open; a CLI whose only pending work is the watch must pass true, or Node exits (13)
   * with the watch unsettled.
   */
  keepProcessAlive?: boolean;
}

export type WatchEnd = 'done' | 'aborted';

/**
 * Polls until `isDone` holds after a poll that brought nothing new (so the events recorded right
 * after a verdict, such as `proof.written`, are still shown), or until the signal aborts.
 * The timer is unref'd unless `keepProcessAlive`, and cleared on abort.
 */
export async function watchGoalEvents(options: WatchGoalOptions): Promise<WatchEnd> {
  const follower = new EventLogFollower(options.file, 1);
  const from = options.from ?? 1;
  const interval = options.intervalMs ?? 250;
  const all: EventEnvelope[] = [];
  for (;;) {
    if (options.signal.aborted) return 'aborted';
    const batch = follower.poll();
    if (batch.length > 0) {
      all.push(...batch);
      const shown = batch.filter((e) => e.seq >= from);
      if (shown.length > 0) options.onEvents(shown, all);
    } else if (options.isDone(all)) {
      return 'done';
    }
    if (await sleep(interval, options.signal, options.keepProcessAlive === true)) return 'aborted';
  }
}

/** Resolves true when aborted before the time is up. */
function sleep(ms: number, signal: AbortSignal, ref: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(true);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    if (!ref) timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
