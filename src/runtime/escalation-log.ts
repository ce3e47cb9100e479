import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BusMessage, EventBus } from '../core/bus.js';
import { describeError } from '../core/errors.js';
import { entryFromEvent, eventsMissedEntry, isEscalationCandidate } from '../core/escalation.js';
import type { EscalationLogEntry } from '../core/escalation.js';
import { redactSecrets } from '../core/redact.js';
import type { Logger } from './logger.js';

/**
 * The session's escalation log: `<sessionDir>/pending_escalations.jsonl`, an
 * append-only audit trail with one JSON line per escalation-class bus event.
 * Line format, kinds and failure behaviour: docs/escalation-log.md.
 */

export const ESCALATION_LOG_FILE = 'pending_escalations.jsonl';

export interface EscalationLogOptions {
  bus: EventBus;
  /** The chat session's directory; created (0700) if missing. */
  sessionDir: string;
  logger: Logger;
  /** How many escalation events may wait for the disk before the oldest are dropped. @default the bus's capacity */
  capacity?: number;
}

export interface EscalationLogWriter {
  readonly path: string;
  /** Events lost because the writer fell behind (each gap is also recorded in the file). */
  readonly missed: number;
  /** Writes everything already queued, then closes the file. Never rejects. Idempotent. */
  close(): Promise<void>;
}

export function startEscalationLog(options: EscalationLogOptions): EscalationLogWriter {
  const { bus, logger, sessionDir } = options;
  const filePath = path.join(sessionDir, ESCALATION_LOG_FILE);
  const file = openLog(sessionDir, filePath, logger);
  const appender = new LineAppender(filePath, logger);

  const subscription = bus.subscribe(
    async (message: BusMessage, { missed }) => {
      const handle = await file;
      if (handle === undefined) return;
      if (missed > 0) {
        logger.warn(`escalation log fell behind and missed ${missed} events`, { path: filePath });
        // Stamped with the time of the first event after the gap: the hole lies just before it.
        await appender.append(handle, eventsMissedEntry(message.ts, missed));
      }
      const entry = entryFromEvent(message);
      if (entry === null) return;
      await appender.append(handle, { ...entry, summary: redactSecrets(entry.summary) });
    },
    {
      name: 'escalation-log',
      accept: isEscalationCandidate,
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
    },
  );
  // Without a file there is nothing to do with events; stop queueing them.
  void file.then((handle) => {
    if (handle === undefined) subscription.unsubscribe();
  });

  let closing: Promise<void> | undefined;
  return {
    path: filePath,
    get missed() {
      return subscription.missed;
    },
    close() {
      closing ??= (async () => {
        await subscription.close();
        appender.reportSuppressed();
        const handle = await file;
        if (handle === undefined) return;
        try {
          // Lines already reached the kernel one by one; this makes them survive power loss too.
          await handle.datasync();
        } catch {
          // Some targets (pipes, character devices) cannot sync; the lines are written regardless.
        }
        try {
          await handle.close();
        } catch (error) {
          logger.warn(`escalation log: closing ${filePath} failed: ${describeError(error)}`);
        }
      })();
      return closing;
    },
  };
}

/** Opens for appending; on failure warns once and resolves to undefined so the session goes on without the log. */
async function openLog(sessionDir: string, filePath: string, logger: Logger): Promise<FileHandle | undefined> {
  try {
    // Owner-only: the log names tasks and goals of a private session.
    await mkdir(sessionDir, { recursive: true, mode: 0o700 });
    // 'a' = O_WRONLY | O_APPEND | O_CREAT: every write lands at the current end of file,
    // even when another process appends to the same file.
    return await open(filePath, 'a', 0o600);
  } catch (error) {
    logger.warn(`escalation log disabled: cannot open ${filePath}: ${describeError(error)}`);
    return undefined;
  }
}

/**
 * Appends one line per call with a single `write`, so concurrent appenders (another
 * omk process on the same session) never interleave inside a line. A failed write is
 * logged and skipped; repeats are counted rather than logged line by line.
 */
class LineAppender {
  private failedInARow = 0;

  constructor(
    private readonly filePath: string,
    private readonly logger: Logger,
  ) {}

  async append(handle: FileHandle, entry: EscalationLogEntry): Promise<void> {
    const bytes = Buffer.from(serialize(entry), 'utf8');
    try {
      const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
      if (bytesWritten < bytes.length) {
        // Regular files take the whole buffer unless the disk is full; finish the line so
        // the next one does not run into it, and say the line may be torn.
        this.logger.warn(`escalation log: short write to ${this.filePath}; the line may be torn`);
        await handle.write(bytes, bytesWritten, bytes.length - bytesWritten);
      }
      this.recovered();
    } catch (error) {
      this.failedInARow += 1;
      if (this.failedInARow === 1) {
        this.logger.warn(`escalation log: write to ${this.filePath} failed: ${describeError(error)}`);
      }
    }
  }

  /** Called on close so a run of failures that never recovered is still reported with its size. */
  reportSuppressed(): void {
    if (this.failedInARow > 1) {
      this.logger.warn(`escalation log: ${this.failedInARow} writes to ${this.filePath} failed in a row`);
    }
    this.failedInARow = 0;
  }

  private recovered(): void {
    if (this.failedInARow > 1) {
      this.logger.warn(
        `escalation log: writing to ${this.filePath} works again after ${this.failedInARow} failed writes`,
      );
    }
    this.failedInARow = 0;
  }
}

/** Fixed field order, one line, newline-terminated (JSON escapes any newline inside a summary). */
function serialize(entry: EscalationLogEntry): string {
  const ordered: EscalationLogEntry = {
    ts: entry.ts,
    kind: entry.kind,
    goal_id: entry.goal_id,
    intent: entry.intent,
    summary: entry.summary,
    confidence: entry.confidence,
    auto_proceed: entry.auto_proceed,
  };
  return `${JSON.stringify(ordered)}\n`;
}
