import type { ControlReport } from '../../../app/goals/control.js';
import { goalService } from '../../../app/goal-service.js';
import type { SingleStep } from '../../../core/goal/controller/single-step.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { EXIT, exitForStatus } from '../../exit-codes.js';
import { finishRun, printResult } from './print.js';

/** `omk goal pause|cancel GOAL` from any terminal (docs/goals.md "Pause, resume, cancel, crash"). */
export async function goalPauseCommand(ctx: CliContext, ref: string, opts: { reason?: string; json?: boolean }): Promise<number> {
  report(ctx, opts.json, await goalService(ctx).pause(ref, opts.reason !== undefined ? { reason: opts.reason } : {}));
  return EXIT.ok;
}

export async function goalCancelCommand(ctx: CliContext, ref: string, opts: { reason?: string; json?: boolean }): Promise<number> {
  report(ctx, opts.json, await goalService(ctx).cancel(ref, opts.reason !== undefined ? { reason: opts.reason } : {}));
  return EXIT.ok;
}

function report(ctx: CliContext, json: boolean | undefined, doc: ControlReport): void {
  if (json) writeJson(ctx, doc);
  else writeLine(ctx, doc.message);
}

/** `omk goal resume GOAL`: continues a paused or crashed goal to its verdict; exit status as for `run`. */
export async function goalResumeCommand(ctx: CliContext, ref: string, opts: { engine?: string; json?: boolean }): Promise<number> {
  return finishRun(ctx, await goalService(ctx).resume(ref, opts.engine !== undefined ? { engine: opts.engine } : {}), opts.json === true);
}

/** `omk goal execute|verify|review GOAL`: one phase by hand; the goal is left paused (exit 0). */
export async function goalStepCommand(ctx: CliContext, ref: string, only: SingleStep, opts: { engine?: string; json?: boolean }): Promise<number> {
  const { result, goalDir } = await goalService(ctx).step(ref, only, opts.engine !== undefined ? { engine: opts.engine } : {});
  printResult(ctx, result, goalDir, opts.json === true, { step: only });
  return result.status === 'paused' ? EXIT.ok : exitForStatus(result.status);
}
