import { OmkError } from '../../core/errors.js';
import { runTaskWorker } from '../../app/worker.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface WorkerCommandOptions {
  goal?: string;
  engine?: string;
  store?: string;
  idleExit?: string;
  json?: boolean;
}

/**
 * `omk worker`: claims ready tasks of running goals in this repository's store and runs them, one
 * attempt at a time, until nothing is left to claim for `--idle-exit` seconds (default: run until
 * Ctrl-C). Start several for more parallelism; each counts against the goal's --max-agents.
 */
export async function workerCommand(ctx: CliContext, opts: WorkerCommandOptions): Promise<number> {
  const idleExitMs = opts.idleExit === undefined ? -1 : Number(opts.idleExit) * 1000;
  if (!Number.isFinite(idleExitMs) || (opts.idleExit !== undefined && idleExitMs < 0)) {
    throw new OmkError('usage', `--idle-exit must be a number of seconds, got ${String(opts.idleExit)}`);
  }
  const progress = (line: string): void => void ctx.stderr.write(`omk worker: ${line}\n`);
  const summary = await runTaskWorker(ctx, {
    ...(opts.goal !== undefined ? { goal: opts.goal } : {}),
    ...(opts.engine !== undefined ? { engine: opts.engine } : {}),
    ...(opts.store !== undefined ? { store: opts.store } : {}),
    idleExitMs,
    onStart: (owner, goalId) => progress(`${owner} claiming tasks${goalId ? ` of ${goalId}` : ' of running goals'}`),
    onAttempt: (g, t, result) => progress(`${g} ${t}: ${result}`),
  });
  if (opts.json === true) writeJson(ctx, summary);
  else writeLine(ctx, `worker ${summary.owner}: ${summary.attempts} attempt(s); stopped: ${summary.reason}`);
  return summary.reason === 'interrupted' ? EXIT.interrupted : EXIT.ok;
}
