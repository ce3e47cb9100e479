import type { Readable, Writable } from 'node:stream';

/** SIGTERM → SIGKILL grace period. */
export const DEFAULT_GRACE_MS = 2000;
/** Per-stream output cap. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** How to start a child process. See docs/termination.md. */
export interface ProcessOptions {
  /** The executable (looked up on `env.PATH`), or a shell string when `shell` is true. */
  command: string;
  /**
   * Arguments, passed as-is (no shell quoting). With `shell: true` they become `$1`, `$2`, … of the
   * shell string.
   * @default []
   */
  args?: string[];
  /**
   * Run `command` with `/bin/sh -c`. Only for user-configured gate commands; everything omk itself
   * runs (git, agents) passes an argv.
   * @default false
   */
  shell?: boolean;
  /** @default process.cwd() */
  cwd?: string;
  /**
   * The exact environment of the child: nothing is inherited implicitly. `undefined` values are dropped.
   * @default allowlistEnv(process.env, [])
   */
  env?: Record<string, string | undefined>;
  /**
   * Written to stdin, which is then closed. Without it stdin is closed at once (runProcess) or left
   * open for the caller (spawnManaged).
   */
  input?: string | Buffer;
  /** Whole-run timeout; on expiry the whole process tree is stopped and `timedOut` is set. */
  timeoutMs?: number;
  /** Cancellation: on abort the tree is stopped, `canceled` is set and the abort reason recorded. */
  signal?: AbortSignal;
  /** @default 2000 */
  graceMs?: number;
  /**
   * Per-stream cap on the output kept in the result. Past it the head and the tail are kept with a
   * marker between; the true byte count is still reported.
   * @default 1048576 (1 MiB)
   */
  maxOutputBytes?: number;
  /** Decoded stdout as it arrives (never split inside a UTF-8 character). A throw is recorded, not fatal. */
  onStdout?: (chunk: string) => void;
  /** Decoded stderr as it arrives. A throw is recorded, not fatal. */
  onStderr?: (chunk: string) => void;
}

/** What happened to one child process. A failing command is a value, never a throw. */
export interface ProcessResult {
  command: string;
  args: string[];
  cwd: string;
  /** Undefined when nothing was spawned. */
  pid: number | undefined;
  /** Null when the child was killed by a signal or never ran. */
  exitCode: number | null;
  /** The signal that killed the direct child, e.g. `SIGKILL`. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Total bytes the child wrote, including any dropped by the cap. */
  stdoutBytes: number;
  stderrBytes: number;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  canceled: boolean;
  cancelReason?: string;
  durationMs: number;
  /** Set when the child could not be started (e.g. `ENOENT` for a missing binary or cwd). */
  spawnError?: { code: string; message: string };
  /** The first error thrown by `onStdout`/`onStderr`; callbacks are not called again after it. */
  callbackError?: string;
}

/** A long-lived child speaking a protocol over stdio (agents). */
export interface ManagedProcess {
  pid: number | undefined;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /**
   * Settles once the child has exited and its group is stopped; never rejects. `stdout`/`stderr`
   * are empty here because the caller consumes the streams; the byte counts are 0 for the same reason.
   */
  result: Promise<ProcessResult>;
  /** Close stdin → SIGTERM to the group → grace → SIGKILL. Idempotent; safe in every state. */
  stop(reason?: string): Promise<ProcessResult>;
}
