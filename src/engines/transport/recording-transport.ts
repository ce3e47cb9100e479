import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { redactDeep, redactSecrets } from '../../core/redact.js';
import type { TranscriptRecord } from './transcript.js';
import type { Transport, TransportCloseInfo, TransportError } from './transport.js';

export interface RecordingOptions {
  /** Transcript file (JSONL); created with its directory, appended to. */
  file: string;
  /** Extra header fields (engine, command, …); redacted like everything else. */
  meta?: Record<string, unknown>;
  /** Milliseconds clock. @default performance.now */
  now?: () => number;
  /** Wall clock for the header. @default () => new Date() */
  date?: () => Date;
}

/**
 * Wraps a transport and tees every message, both directions, with timing to a transcript file. One
 * write per line, so a crash leaves at most a torn last line. Behaves exactly like the inner
 * transport otherwise.
 */
export class RecordingTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TransportError) => void;
  onclose?: (info: TransportCloseInfo) => void;

  private fd: number | undefined;
  private readonly now: () => number;
  private t0 = 0;

  constructor(
    private readonly inner: Transport,
    private readonly options: RecordingOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  get pid(): number | undefined {
    return this.inner.pid;
  }

  stderrTail(): string {
    return this.inner.stderrTail();
  }

  async start(): Promise<void> {
    mkdirSync(path.dirname(this.options.file), { recursive: true });
    this.fd = openSync(this.options.file, 'a');
    this.t0 = this.now();
    const date = (this.options.date ?? (() => new Date()))();
    this.write({ type: 'header', version: 1, startedAt: date.toISOString(), ...(this.options.meta ? { meta: redactDeep(this.options.meta) } : {}) });
    this.inner.onmessage = (message) => {
      this.write({ type: 'message', t: this.elapsed(), dir: 'in', message: redactDeep(message) });
      this.onmessage?.(message);
    };
    this.inner.onerror = (error) => {
      if (error.kind === 'garbage') this.write({ type: 'garbage', t: this.elapsed(), line: redactSecrets(error.line), error: error.message });
      this.onerror?.(error);
    };
    this.inner.onclose = (info) => {
      const { stderrTail: _tail, ...rest } = info;
      this.write({ type: 'close', t: this.elapsed(), info: rest });
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      this.onclose?.(info);
    };
    try {
      await this.inner.start();
    } catch (error) {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      throw error;
    }
  }

  send(message: unknown): Promise<void> {
    this.write({ type: 'message', t: this.elapsed(), dir: 'out', message: redactDeep(message) });
    return this.inner.send(message);
  }

  close(reason?: string): Promise<void> {
    return this.inner.close(reason);
  }

  private elapsed(): number {
    return Math.round((this.now() - this.t0) * 1000) / 1000;
  }

  private write(record: TranscriptRecord): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }
}
