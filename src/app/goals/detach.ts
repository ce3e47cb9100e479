import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OmkError } from '../../core/errors.js';
import { GOAL_ID_PATTERN, newGoalId } from '../../core/goal/controller/goal-id.js';
import { spawnDetached } from '../../runtime/process/index.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';
import type { GoalRunOptions } from './run.js';

/** Internal: the goal id a detached controller must use (set by `goal run --detach` for its child only). */
export const DETACHED_GOAL_ID_ENV = 'OMK_DETACHED_GOAL_ID';

/** How long a detached start waits for the controller to record `goal.created` before giving up on it. */
const CREATED_WAIT_MS = 60_000;

export interface DetachedStart {
  goal_id: string;
  pid: number | undefined;
  /** The controller's stdout and stderr. */
  log: string;
  goal_dir: string;
}

/** The pre-chosen goal id when this process is a detached controller, else undefined. */
export function detachedGoalId(ctx: Pick<AppContext, 'env'>): string | undefined {
  const id = ctx.env[DETACHED_GOAL_ID_ENV];
  if (id === undefined || id === '') return undefined;
  if (!GOAL_ID_PATTERN.test(id)) throw new OmkError('usage', `${DETACHED_GOAL_ID_ENV} is not a goal id: ${JSON.stringify(id)}`);
  return id;
}

/**
 * Starts `omk goal run … --json` as a detached child (its own session, output appended to
 * `.omk/goals/<id>/controller.log`) under a goal id chosen here, and waits until the child has recorded
 * the goal. The child is an ordinary controller: pause, cancel, resume and watch work on it as on any other.
 */
export async function startDetached(ctx: AppContext, request: string, opts: GoalRunOptions): Promise<DetachedStart> {
  const bin = omkEntry(ctx);
  return withRepoStore(ctx, 'create', async (store, paths) => {
    const goalId = newGoalId(ctx.now(), randomBytes(2).toString('hex'));
    const goalDir = path.join(paths.goalsDir, goalId);
    mkdirSync(goalDir, { recursive: true });
    const log = path.join(goalDir, 'controller.log');
    const child = spawnDetached(process.execPath, [...process.execArgv, bin, 'goal', 'run', request, ...forwardedFlags(opts), '--json'], {
      cwd: ctx.cwd,
      env: { ...ctx.env, [DETACHED_GOAL_ID_ENV]: goalId, OMK_PROGRESS: '1' },
      logFile: log,
    });
    const deadline = Date.now() + CREATED_WAIT_MS;
    for (;;) {
      if (await store.getGoal(goalId)) break;
      const exited = child.exited();
      if (exited || child.pid === undefined) {
        throw new OmkError('failed', `the detached controller exited before creating the goal (${exited?.signal ?? `exit ${String(exited?.code ?? 'unknown')}`}): ${logTail(log)}`, {
          hint: `its output: ${log}`,
        });
      }
      if (Date.now() > deadline) {
        throw new OmkError('failed', `the detached controller (pid ${child.pid}) did not record goal ${goalId} within ${CREATED_WAIT_MS / 1000}s`, { hint: `its output: ${log}` });
      }
      await sleep(50);
    }
    return { goal_id: goalId, pid: child.pid, log, goal_dir: goalDir };
  });
}

/** The omk entry script to start: `OMK_BIN` when a host embeds omk (the MCP server, the dashboard), else this process's own. */
export function omkEntry(ctx: Pick<AppContext, 'env'>): string {
  const bin = ctx.env.OMK_BIN ?? process.argv[1];
  if (bin === undefined || bin === '') throw new OmkError('failed', 'cannot tell which omk to start for a detached run', { hint: 'set OMK_BIN to the path of bin/omk.js' });
  return bin;
}

/** The child's flags: the same `goal run` options (the child always writes JSON). */
function forwardedFlags(opts: GoalRunOptions): string[] {
  const out: string[] = [];
  const pairs: [string, string | undefined][] = [
    ['--engine', opts.engine],
    ['--max-agents', opts.maxAgents],
    ['--local-agents', opts.localAgents],
    ['--gates', opts.gates],
    ['--base', opts.base],
    ['--budget-time', opts.budgetTime],
    ['--budget-tokens', opts.budgetTokens],
    ['--budget-usd', opts.budgetUsd],
    ['--budget-task-tokens', opts.budgetTaskTokens],
    ['--budget-task-usd', opts.budgetTaskUsd],
    ['--policy', opts.policy],
    ['--merge-policy', opts.mergePolicy],
  ];
  for (const [flag, value] of pairs) if (value !== undefined) out.push(`${flag}=${value}`);
  for (const gate of opts.gate ?? []) out.push(`--gate=${gate}`);
  if (opts.untilReady === true) out.push('--until-ready');
  return out;
}

export function logTail(file: string): string {
  if (!existsSync(file)) return '(no output)';
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? '(no output)' : text.slice(-800);
}
