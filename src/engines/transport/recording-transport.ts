import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { redactDeep, redactSecrets } from '../../core/redact.js';
import { StreamRedactor } from '../../core/redact-stream.js';
import type { StreamedText, StreamedTextOf } from './streamed-text.js';
import type { TranscriptRecord } from './transcript.js';
import type { Transport, TransportCloseInfo, TransportError } from './transport.js';

/** Streamed text held back longer than this is released (redacted) anyway, so memory stays bounded. */
const MAX_HELD_CHARS = 16_384;

export interface RecordingOptions {
  /** Transcript file (JSONL); created with its directory, appended to. */
  file: string;
  /** Extra header fields (engine, command, …); redacted like everything else. */
  meta?: Record<string, unknown>;
  /** Milliseconds clock. @default performance.now */
  now?: () => number;
  /** Wall clock for the header. @default () => new Date() */
  date?: () => Date;
  /** Where the protocol streams text; those pieces are redacted as one stream (a secret split across pieces included). */
  streamedText?: StreamedTextOf;
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
  /** Per stream: the pieces held back because the text so far may end inside a secret. */
  private readonly streams = new Map<string, Array<{ piece: StreamedText; t: number }>>();

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
      const piece = this.options.streamedText?.(message);
      if (piece) this.writePiece(piece);
      else {
        this.flushStreams();
        this.write({ type: 'message', t: this.elapsed(), dir: 'in', message: redactDeep(message) });
      }
      this.onmessage?.(message);
    };
    this.inner.onerror = (error) => {
      this.flushStreams();
      if (error.kind === 'garbage') this.write({ type: 'garbage', t: this.elapsed(), line: redactSecrets(error.line), error: error.message });
      this.onerror?.(error);
    };
    this.inner.onclose = (info) => {
      const { stderrTail: _tail, ...rest } = info;
      this.flushStreams();
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
    this.flushStreams();
    this.write({ type: 'message', t: this.elapsed(), dir: 'out', message: redactDeep(message) });
    return this.inner.send(message);
  }

  close(reason?: string): Promise<void> {
    return this.inner.close(reason);
  }

  private elapsed(): number {
    return Math.round((this.now() - this.t0) * 1000) / 1000;
  }

  /**
   * Holds a streamed piece back while the text so far could still end inside a secret. Pieces are
   * written as they came when the held text holds no secret (a replay sees the same chunks); when it
   * does, they are written as one piece of redacted text.
   */
  private writePiece(piece: StreamedText): void {
    let held = this.streams.get(piece.key);
    if (!held) this.streams.set(piece.key, (held = []));
    held.push({ piece, t: this.elapsed() });
    const text = held.map((h) => h.piece.text).join('');
    const probe = new StreamRedactor();
    probe.push(text);
    if (probe.flush() === '' || text.length > MAX_HELD_CHARS) this.releaseStream(piece.key);
  }

  private releaseStream(key: string): void {
    const held = this.streams.get(key);
    this.streams.delete(key);
    if (!held || held.length === 0) return;
    const text = held.map((h) => h.piece.text).join('');
    const redacted = redactSecrets(text);
    if (redacted === text) for (const h of held) this.write({ type: 'message', t: h.t, dir: 'in', message: redactDeep(h.piece.message) });
    else this.write({ type: 'message', t: held[0]!.t, dir: 'in', message: redactDeep(held.at(-1)!.piece.withText(redacted)) });
  }

  /** Another message came (or the transport closed): every held stream is complete. */
  private flushStreams(): void {
    for (const key of [...this.streams.keys()]) this.releaseStream(key);
  }

  private write(record: TranscriptRecord): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }
}
