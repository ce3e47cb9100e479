import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { describeError } from '../../core/errors.js';
import { allowlistEnv, definedEnv } from './env.js';
import { createChunkForwarder, createOutputCapture } from './output-capture.js';
import { signalGroup, trackGroup, untrackGroup } from './process-group.js';
import type { GroupSignal } from './process-group.js';
import { DEFAULT_GRACE_MS, DEFAULT_MAX_OUTPUT_BYTES } from './types.js';
import type { ProcessOptions, ProcessResult } from './types.js';

/**
 * How long after the direct child exits (on top of the grace period) we wait for its pipes to
 * close. Only a process that left our group (setsid) can hold them that long; we stop waiting and
 * destroy our ends rather than hang.
 */
const DRAIN_MS = 500;

export interface LaunchMode {
  /** Read stdout/stderr into the result and the callbacks (runProcess); otherwise the caller reads. */
  capture: boolean;
  /** Leave stdin open when there is no `input` (spawnManaged). */
  keepStdinOpen: boolean;
}

export type StopCause = { kind: 'timeout' } | { kind: 'cancel'; reason: string };

export interface Launched {
  /** Undefined when nothing was spawned (already aborted, invalid options). */
  child: ChildProcess | undefined;
  result: Promise<ProcessResult>;
  /** Stops the tree; the first cause wins. Safe in every state. */
  stop: (cause: StopCause) => Promise<ProcessResult>;
}

/**
 * The one place omk starts a child. Lifecycle: spawn in a new process group → (timeout | abort |
 * stop) → close stdin, SIGTERM the group, SIGKILL it after the grace period → settle. The direct
 * child's 'exit' also SIGTERMs the group, so a backgrounded grandchild cannot keep the pipes (and
 * the result) open; 'close' (exit + pipes closed) settles, with a bounded wait as a backstop.
 */
export function launch(opts: ProcessOptions, mode: LaunchMode): Launched {
  const started = performance.now();
  const args = opts.args ?? [];
  const cwd = opts.cwd ?? process.cwd();
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;

  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  let timedOut = false;
  let canceled = false;
  let cancelReason: string | undefined;
  let spawnError: ProcessResult['spawnError'];
  let callbackError: string | undefined;
  let child: ChildProcess | undefined;
  let pid: number | undefined = undefined;
  let stopping = false;
  let exited = false;
  let groupGone = false;
  let settled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timers = new Set<NodeJS.Timeout>();

  let resolveResult!: (result: ProcessResult) => void;
  const result = new Promise<ProcessResult>((resolve) => (resolveResult = resolve));

  const captures = { stdout: createOutputCapture(maxBytes), stderr: createOutputCapture(maxBytes) };
  const recordCallbackError = (error: unknown): void => {
    callbackError ??= describeError(error);
  };
  const forwarders = {
    stdout: createChunkForwarder(opts.onStdout, recordCallbackError),
    stderr: createChunkForwarder(opts.onStderr, recordCallbackError),
  };

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };

  const signal = (sig: GroupSignal): void => {
    if (pid === undefined || groupGone) return;
    if (!signalGroup(pid, sig)) groupGone = true;
  };

  const armKill = (): void => {
    if (killTimer === undefined && !groupGone) killTimer = later(graceMs, () => signal('SIGKILL'));
  };

  const onAbort = (): void => {
    void stop({ kind: 'cancel', reason: abortReason(opts.signal) });
  };

  function settle(): void {
    if (settled) return;
    settled = true;
    // Whatever is still in the group after the child exited and its pipes closed is a leftover.
    if (exited) signal('SIGKILL');
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    opts.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) untrackGroup(pid);
    child?.stdin?.destroy();
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    forwarders.stdout.end();
    forwarders.stderr.end();
    const out = captures.stdout.finish();
    const err = captures.stderr.finish();
    resolveResult({
      command: opts.command,
      args,
      cwd,
      pid,
      exitCode,
      signal: exitSignal,
      stdout: out.text,
      stderr: err.text,
      stdoutBytes: out.bytes,
      stderrBytes: err.bytes,
      stdoutTruncated: out.truncated,
      stderrTruncated: err.truncated,
      timedOut,
      canceled,
      ...(cancelReason === undefined ? {} : { cancelReason }),
      durationMs: Math.round(performance.now() - started),
      ...(spawnError === undefined ? {} : { spawnError }),
      ...(callbackError === undefined ? {} : { callbackError }),
    });
  }

  function stop(cause: StopCause): Promise<ProcessResult> {
    if (settled || stopping) return result;
    stopping = true;
    if (cause.kind === 'timeout') timedOut = true;
    else {
      canceled = true;
      cancelReason = cause.reason;
    }
    // Closing stdin first lets a protocol peer see EOF even if it handles SIGTERM badly.
    child?.stdin?.destroy();
    signal('SIGTERM');
    armKill();
    if (child === undefined) settle();
    return result;
  }

  const invalid = validate(opts);
  if (invalid !== undefined || opts.signal?.aborted === true) {
    if (invalid !== undefined) spawnError = { code: 'EINVAL', message: invalid };
    else {
      canceled = true;
      cancelReason = abortReason(opts.signal);
    }
    settle();
    return { child: undefined, result, stop };
  }

  const env = definedEnv(opts.env ?? allowlistEnv(process.env, []));
  const file = opts.shell === true ? '/bin/sh' : opts.command;
  // With a shell string, args become $1.. ("sh" fills $0, as sh -c expects).
  const argv = opts.shell === true ? ['-c', opts.command, ...(args.length > 0 ? ['sh', ...args] : [])] : args;
  try {
    child = spawn(file, argv, { cwd, env, detached: true, stdio: 'pipe', windowsHide: true });
  } catch (error) {
    // Synchronous throws are bad arguments (e.g. a NUL byte): still a value, not a rejection.
    spawnError = toSpawnError(error);
    settle();
    return { child: undefined, result, stop };
  }
  const proc = child;
  pid = proc.pid;

  proc.on('error', (error) => {
    // After a successful spawn, 'error' can only come from kill/send, which we do not use.
    if (pid !== undefined) return;
    spawnError = toSpawnError(error);
    settle();
  });
  // A child that exits without reading its input gives EPIPE on stdin: expected, not a crash.
  proc.stdin?.on('error', ignore);
  proc.stdout?.on('error', ignore);
  proc.stderr?.on('error', ignore);
  if (pid === undefined) return { child: proc, result, stop }; // 'error' follows on the next tick

  trackGroup(pid);
  if (mode.capture) {
    proc.stdout?.on('data', (chunk: Buffer) => {
      captures.stdout.push(chunk);
      forwarders.stdout.write(chunk);
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      captures.stderr.push(chunk);
      forwarders.stderr.write(chunk);
    });
  }
  if (opts.input !== undefined) proc.stdin?.end(opts.input);
  else if (!mode.keepStdinOpen) proc.stdin?.end();

  proc.on('exit', (code, sig) => {
    exited = true;
    exitCode = code;
    exitSignal = sig;
    if (!stopping) {
      signal('SIGTERM');
      armKill();
    }
    later(graceMs + DRAIN_MS, settle);
  });
  proc.on('close', settle);

  if (opts.timeoutMs !== undefined) later(opts.timeoutMs, () => void stop({ kind: 'timeout' }));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  return { child: proc, result, stop };
}

function validate(opts: ProcessOptions): string | undefined {
  for (const key of ['timeoutMs', 'graceMs', 'maxOutputBytes'] as const) {
    const value = opts[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      return `${key} must be a non-negative number, got ${String(value)}`;
    }
  }
  if (opts.command === '') return 'command must not be empty';
  return undefined;
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason === undefined) return 'aborted';
  return describeError(reason);
}

function toSpawnError(error: unknown): { code: string; message: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { code: typeof code === 'string' ? code : 'UNKNOWN', message: describeError(error) };
}

function ignore(): void {}
