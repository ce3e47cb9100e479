import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { asEnvelope, envelopeLine, type EventEnvelope } from '../../core/events/envelope.js';

/** What bringing a log up to date with the store did. */
export interface HealReport {
  goalId: string;
  file: string;
  /** The last seq the log held before (0 for a new or empty log). */
  logSeq: number;
  /** Events re-appended (or appended) from the store. */
  appended: number;
  /** Where an interrupted last line was saved before it was cut off the log. */
  tornSavedTo: string | undefined;
}

export interface CatchUpInput {
  goalId: string;
  file: string;
  /** Committed events with seq greater than the argument, in seq order. */
  readAfter: (seq: number) => EventEnvelope[];
  now: () => Date;
}

const NL = 0x0a;

/**
 * Appends to a goal's events.jsonl every committed event it lacks. Must run under the
 * store's write lock, which serialises all writers of all processes, so lines land in
 * seq order and no event is written twice.
 *
 * An interrupted last line (no trailing newline) is first saved, fsynced, to
 * `events.jsonl.torn-<time>` and then cut off; the store re-supplies the event if it
 * was committed. Each line is one write(2) on an O_APPEND descriptor. The log is not
 * fsynced: the database is the durable copy and this function rebuilds any lost tail.
 */
export function catchUpLog(input: CatchUpInput): HealReport {
  mkdirSync(path.dirname(input.file), { recursive: true });
  const fd = openSync(input.file, 'a+');
  try {
    let size = fstatSync(fd).size;
    let tornSavedTo: string | undefined;
    if (size > 0 && lastByte(fd, size) !== NL) {
      const keep = lastNewline(fd, size) + 1;
      tornSavedTo = saveAside(fd, keep, size, input.file, input.now());
      ftruncateSync(fd, keep);
      size = keep;
    }
    const logSeq = lastParsableSeq(fd, size);
    let appended = 0;
    for (const event of input.readAfter(logSeq)) {
      const bytes = Buffer.from(envelopeLine(event), 'utf8');
      const written = writeSync(fd, bytes);
      if (written !== bytes.length) throw new Error(`short write to ${input.file}`);
      appended += 1;
    }
    return { goalId: input.goalId, file: input.file, logSeq, appended, tornSavedTo };
  } finally {
    closeSync(fd);
  }
}

/** A cheap check (no lock, no writes) for whether `catchUpLog` has anything to do. */
export function logNeedsCatchUp(file: string, storeSeq: number): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return storeSeq > 0;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > 0 && lastByte(fd, size) !== NL) return true;
    return lastParsableSeq(fd, size) < storeSeq;
  } finally {
    closeSync(fd);
  }
}

function lastByte(fd: number, size: number): number {
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, size - 1);
  return one[0]!;
}

/** Offset of the last newline before `size`, or -1. Reads backwards in growing windows. */
function lastNewline(fd: number, size: number): number {
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - 64 * 1024);
    const buf = Buffer.alloc(end - start);
    readSync(fd, buf, 0, buf.length, start);
    const at = buf.lastIndexOf(NL);
    if (at >= 0) return start + at;
    end = start;
  }
  return -1;
}

/** The seq of the last line that parses as an envelope (0 if none); `size` ends on a newline. */
function lastParsableSeq(fd: number, size: number): number {
  let window = Math.min(size, 64 * 1024);
  while (window > 0) {
    const start = size - window;
    const buf = Buffer.alloc(window);
    readSync(fd, buf, 0, window, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // may begin mid-line
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const seq = seqOf(lines[i]!);
      if (seq !== undefined) return seq;
    }
    if (start === 0) return 0;
    window = Math.min(size, window * 4);
  }
  return 0;
}

function seqOf(line: string): number | undefined {
  if (line.trim() === '') return undefined;
  try {
    const envelope = asEnvelope(JSON.parse(line));
    return typeof envelope === 'string' ? undefined : envelope.seq;
  } catch {
    return undefined;
  }
}

function saveAside(fd: number, from: number, to: number, file: string, now: Date): string {
  const fragment = Buffer.alloc(to - from);
  readSync(fd, fragment, 0, fragment.length, from);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let n = 0; ; n += 1) {
    const target = `${file}.torn-${stamp}${n === 0 ? '' : `-${n}`}`;
    let out: number;
    try {
      out = openSync(target, 'wx');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST') continue;
      throw error;
    }
    try {
      writeSync(out, fragment);
      fsyncSync(out); // the fragment must be on disk before the log is cut
    } finally {
      closeSync(out);
    }
    return target;
  }
}
