import { PassThrough, Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { launch } from './launch.js';
import { failedResult } from './run-process.js';
import type { ManagedProcess, ProcessOptions } from './types.js';

export type { ManagedProcess } from './types.js';

/**
 * Starts a long-lived child whose stdio the caller owns (an agent speaking JSON-RPC, for example).
 * stdin stays open unless `input` is given; `onStdout`/`onStderr` and `maxOutputBytes` do not
 * apply because the caller reads the streams. Read them to the end: a child blocked on a full pipe
 * cannot exit. Never throws; a child that could not start has a `result` with `spawnError`.
 */
export function spawnManaged(opts: ProcessOptions): ManagedProcess {
  let launched;
  try {
    launched = launch(opts, { capture: false, keepStdinOpen: true });
  } catch (error) {
    const result = Promise.resolve(failedResult(opts, error));
    return { pid: undefined, ...closedStdio(), result, stop: () => result };
  }
  const { child, result, stop } = launched;
  const stdio = child?.stdin && child.stdout && child.stderr ? undefined : closedStdio();
  return {
    pid: child?.pid,
    stdin: stdio?.stdin ?? child!.stdin!,
    stdout: stdio?.stdout ?? child!.stdout!,
    stderr: stdio?.stderr ?? child!.stderr!,
    result,
    stop: (reason = 'stopped') => stop({ kind: 'cancel', reason }),
  };
}

/** Stand-in streams for a child that never started: reads end at once, writes go nowhere. */
function closedStdio(): { stdin: Writable; stdout: Readable; stderr: Readable } {
  const stdin = new PassThrough();
  stdin.on('error', () => {});
  stdin.destroy();
  return { stdin, stdout: Readable.from([]), stderr: Readable.from([]) };
}
