import { describeError } from '../../core/errors.js';
import { launch } from './launch.js';
import type { ProcessOptions, ProcessResult } from './types.js';

export type { ProcessOptions, ProcessResult } from './types.js';

/**
 * Runs a command to completion and returns what happened. Never rejects: a non-zero exit, a
 * timeout, a cancellation and a missing binary are all fields of the result. When it resolves, the
 * child's whole process group has been signalled to stop (see docs/termination.md).
 */
export function runProcess(opts: ProcessOptions): Promise<ProcessResult> {
  try {
    return launch(opts, { capture: true, keepStdinOpen: false }).result;
  } catch (error) {
    // launch() has no throwing paths we know of; keep the promise of "never rejects" regardless.
    return Promise.resolve(failedResult(opts, error));
  }
}

/** The result for a run that never started because of an error in omk itself. */
export function failedResult(opts: ProcessOptions, error: unknown): ProcessResult {
  return {
    command: opts.command,
    args: opts.args ?? [],
    cwd: opts.cwd ?? process.cwd(),
    pid: undefined,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutBytes: 0,
    stderrBytes: 0,
    stdoutTruncated: false,
    stderrTruncated: false,
    timedOut: false,
    canceled: false,
    durationMs: 0,
    spawnError: { code: 'INTERNAL', message: describeError(error) },
  };
}
