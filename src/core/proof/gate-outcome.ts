import type { GateRun } from './evidence.js';

/** A run counts as passed only when every recorded fact agrees. */
export function gatePassed(run: GateRun): boolean {
  return run.passed && run.exit_code === 0 && !run.timed_out && run.infra_error === null;
}

/** A run that finished and failed — evidence that its tests fail, unlike a timeout or a runner that could not start. */
export function gateFailed(run: GateRun): boolean {
  return !run.passed && run.exit_code !== null && run.exit_code !== 0 && !run.timed_out && run.infra_error === null;
}
