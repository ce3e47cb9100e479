import { StringDecoder } from 'node:string_decoder';
import { OmkError } from '../../core/errors.js';
import { spawnManaged, whichSync } from '../../runtime/process/index.js';
import type { ManagedProcess } from '../../runtime/process/index.js';
import { encodeNdjson, NdjsonDecoder } from '../../core/ndjson.js';
import { TailBuffer } from './stderr-tail.js';
import type { Transport, TransportCloseInfo, TransportError } from './transport.js';

export interface ProcessTransportOptions {
  /** The agent's real binary (not an npm wrapper that uses spawnSync). Looked up on `env.PATH`. */
  command: string;
  /** @default [] */
  args?: string[];
  /** Working directory of the agent. */
  cwd: string;
  /** The exact, already allowlisted environment of the agent (see `allowlistEnv`). */
  env: Record<string, string>;
  /** SIGTERM → SIGKILL grace on close. @default 2000 */
  graceMs?: number;
  /** How much stderr to keep for crash reports. @default 8192 characters */
  stderrTailChars?: number;
  /** Also called with every stderr chunk (for a log). A throw is ignored. */
  onStderr?: (chunk: string) => void;
}

/**
 * An agent speaking newline-delimited JSON on its stdio, started through `spawnManaged` (own
 * process group; stop = close stdin → SIGTERM group → grace → SIGKILL).
 */
export class ProcessTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TransportError) => void;
  onclose?: (info: TransportCloseInfo) => void;

  private child: ManagedProcess | undefined;
  private readonly tail: TailBuffer;
  private closed = false;
  private closeReason: 'closed' | 'exited' = 'exited';
  private closedPromise: Promise<void> | undefined;

  constructor(private readonly options: ProcessTransportOptions) {
    this.tail = new TailBuffer(options.stderrTailChars ?? 8192);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  stderrTail(): string {
    return this.tail.value();
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('ProcessTransport already started'));
    const { command, args = [], cwd, env } = this.options;
    if (whichSync(command, env, cwd) === undefined) {
      return Promise.reject(
        new OmkError('binary_missing', `\`${command}\` was not found (PATH=${env.PATH ?? ''})`, {
          hint: `Install \`${command}\` or set the engine's command to its full path.`,
        }),
      );
    }
    const child = spawnManaged({ command, args, cwd, env, graceMs: this.options.graceMs });
    this.child = child;
    this.pipe(child);
    this.closedPromise = child.result.then((result) => {
      this.finish({
        reason: this.closeReason,
        exitCode: result.exitCode,
        signal: result.signal,
        stderrTail: this.tail.value(),
        ...(result.spawnError ? { error: `${result.spawnError.code}: ${result.spawnError.message}` } : {}),
      });
    });
    if (child.pid === undefined) {
      return child.result.then((result) => {
        throw new OmkError('binary_missing', `could not start \`${command}\`: ${result.spawnError?.message ?? 'unknown error'}`, {
          hint: `Check that \`${command}\` is installed and executable.`,
        });
      });
    }
    return Promise.resolve();
  }

  send(message: unknown): Promise<void> {
    const stdin = this.child?.stdin;
    if (this.closed || !stdin || stdin.destroyed || !stdin.writable) {
      return Promise.reject(new Error('transport closed'));
    }
    return new Promise<void>((resolve, reject) => {
      stdin.write(encodeNdjson(message), (error) => {
        if (!error) return resolve();
        this.safe(() => this.onerror?.({ kind: 'write', message: error.message }));
        reject(error);
      });
    });
  }

  async close(reason = 'closed'): Promise<void> {
    if (!this.child) {
      this.finish({ reason: 'closed' });
      return;
    }
    if (!this.closed) this.closeReason = 'closed';
    await this.child.stop(reason);
    await this.closedPromise;
  }

  private pipe(child: ManagedProcess): void {
    const decoder = new NdjsonDecoder();
    const text = new StringDecoder('utf8');
    const deliver = (items: ReturnType<NdjsonDecoder['push']>): void => {
      for (const item of items) {
        if (this.closed) return;
        if (item.ok) this.safe(() => this.onmessage?.(item.value));
        else this.safe(() => this.onerror?.({ kind: 'garbage', line: item.line, message: item.error }));
      }
    };
    child.stdout.on('data', (chunk: Buffer) => deliver(decoder.push(text.write(chunk))));
    child.stdout.on('end', () => deliver(decoder.push(text.end()).concat(decoder.end())));
    const errText = new StringDecoder('utf8');
    child.stderr.on('data', (chunk: Buffer) => {
      const s = errText.write(chunk);
      this.tail.push(s);
      this.safe(() => this.options.onStderr?.(s));
    });
  }

  private finish(info: TransportCloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    const onclose = this.onclose;
    this.onmessage = undefined;
    this.onerror = undefined;
    this.onclose = undefined;
    this.safe(() => onclose?.(info));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // A throwing consumer must not break the read loop or cleanup.
    }
  }
}
