import { readTranscript } from './transcript.js';
import type { TranscriptRecord } from './transcript.js';
import type { Transport, TransportCloseInfo, TransportError } from './transport.js';

/**
 * Stands in for the agent from a transcript (see transcript.ts). It plays back the agent's messages
 * in order, pausing at each message we sent in the recording until the client sends its own; the
 * client's message is checked against the recorded one (method and id) and a difference is reported
 * through `onerror` as `replay_mismatch` (not fatal). A recorded agent exit is replayed as
 * `onclose({ reason: 'exited' })`. Messages are delivered as fast as possible (recorded timing is
 * not reproduced).
 */
export class ReplayTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TransportError) => void;
  onclose?: (info: TransportCloseInfo) => void;
  readonly pid = undefined;

  private readonly records: TranscriptRecord[];
  private cursor = 0;
  private closed = false;
  private pumpScheduled = false;

  constructor(source: string | TranscriptRecord[]) {
    const all = typeof source === 'string' ? readTranscript(source) : source;
    this.records = all.filter((r) => r.type !== 'header');
  }

  /** True when every recorded message has been played or matched. */
  get finished(): boolean {
    return this.cursor >= this.records.length;
  }

  start(): Promise<void> {
    this.schedulePump();
    return Promise.resolve();
  }

  send(message: unknown): Promise<void> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    const record = this.records[this.cursor];
    if (record?.type === 'message' && record.dir === 'out') {
      this.cursor++;
      const problem = difference(record.message, message);
      if (problem) this.onerror?.({ kind: 'replay_mismatch', message: problem, expected: record.message, actual: message });
      this.schedulePump();
    } else {
      this.onerror?.({
        kind: 'replay_mismatch',
        message: record ? 'client sent a message the recording does not have here' : 'client sent a message after the recording ended',
        actual: message,
      });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.finish({ reason: 'closed' });
    return Promise.resolve();
  }

  stderrTail(): string {
    return '';
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Plays agent records up to the next one we must send ourselves. */
  private pump(): void {
    while (!this.closed && this.cursor < this.records.length) {
      const record = this.records[this.cursor]!;
      if (record.type === 'message' && record.dir === 'out') return;
      this.cursor++;
      if (record.type === 'message') this.onmessage?.(record.message);
      else if (record.type === 'garbage') this.onerror?.({ kind: 'garbage', line: record.line, message: record.error });
      else if (record.type === 'close' && record.info.reason !== 'closed') {
        this.finish({ ...record.info, reason: 'exited' });
      }
    }
  }

  private finish(info: TransportCloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    const onclose = this.onclose;
    this.onmessage = this.onerror = this.onclose = undefined;
    onclose?.(info);
  }
}

/** Why `actual` is not the recorded `expected` message (method and id), or undefined when it is. */
function difference(expected: unknown, actual: unknown): string | undefined {
  const e = (expected ?? {}) as { method?: unknown; id?: unknown };
  const a = (actual ?? {}) as { method?: unknown; id?: unknown };
  if (e.method !== a.method) return `expected method ${String(e.method)}, got ${String(a.method)}`;
  if (e.id !== a.id) return `expected id ${String(e.id)}, got ${String(a.id)}`;
  return undefined;
}
