import { OmkError } from '../../core/errors.js';
import { ensureOmkExcluded } from '../../runtime/config/git-exclude.js';
import { newOwnerId } from '../../runtime/goal/owner.js';
import { runWorker } from '../../runtime/goal/worker.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { goalRuntime } from './goal/run.js';
import { openGoalStore } from './goal/open-store.js';

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
  if (opts.store !== undefined && !/^(sqlite:)?[^:]*$/.test(opts.store)) {
    throw new OmkError('usage', `--store ${opts.store}: only this repository's SQLite store is supported`, {
      hint: 'run omk worker inside the repository (PostgreSQL stores for workers on other machines are not available in this omk)',
    });
  }
  const idleExitMs = opts.idleExit === undefined ? -1 : Number(opts.idleExit) * 1000;
  if (!Number.isFinite(idleExitMs) || (opts.idleExit !== undefined && idleExitMs < 0)) {
    throw new OmkError('usage', `--idle-exit must be a number of seconds, got ${String(opts.idleExit)}`);
  }
  // Workers may start before the first goal: the store is created (and .omk/ kept out of git) as `goal run` would.
  const { store, paths } = await openGoalStore(ctx, true);
  await ensureOmkExcluded(paths.repoRoot, ctx.env);
  try {
    const goalId = opts.goal === undefined ? undefined : (await store.resolveGoal(opts.goal)).id;
    const { rt, control } = await goalRuntime(ctx, store, paths, opts.engine);
    await control.host.registry.close();
    const owner = newOwnerId('worker');
    const progress = (line: string): void => void ctx.stderr.write(`omk worker: ${line}\n`);
    progress(`${owner} claiming tasks${goalId ? ` of ${goalId}` : ' of running goals'}`);
    const summary = await runWorker(
      { ...rt, owner },
      {
        ...(goalId ? { goalId } : {}),
        idleExitMs,
        onAttempt: (g, t, result) => progress(`${g} ${t}: ${result}`),
      },
    );
    if (opts.json === true) writeJson(ctx, { owner, attempts: summary.attempts, reason: summary.reason });
    else writeLine(ctx, `worker ${owner}: ${summary.attempts} attempt(s); stopped: ${summary.reason}`);
    return summary.reason === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  } finally {
    await store.close();
  }
}
