import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OmkError } from '../../../core/errors.js';
import { GOAL_ID_PATTERN, newGoalId } from '../../../core/goal/controller/goal-id.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { EXIT } from '../../exit-codes.js';
import { openGoalStore } from './open-store.js';
import type { GoalRunOptions } from './run.js';

/** Internal: the goal id a detached controller must use (set by `goal run --detach` for its child only). */
export const DETACHED_GOAL_ID_ENV = 'OMK_DETACHED_GOAL_ID';

/** How long `--detach` waits for the controller to record `goal.created` before giving up on it. */
const CREATED_WAIT_MS = 60_000;

/** The pre-chosen goal id when this process is a detached controller, else undefined. */
export function detachedGoalId(ctx: CliContext): string | undefined {
  const id = ctx.env[DETACHED_GOAL_ID_ENV];
  if (id === undefined || id === '') return undefined;
  if (!GOAL_ID_PATTERN.test(id)) throw new OmkError('usage', `${DETACHED_GOAL_ID_ENV} is not a goal id: ${JSON.stringify(id)}`);
  return id;
}

/**
 * `omk goal run "GOAL" --detach`: starts `omk goal run … --json` as a detached child (its own session,
 * stdout and stderr appended to `.omk/goals/<id>/controller.log`) under a goal id chosen here, waits
 * until the child has recorded the goal, prints the id and how to follow it, and returns. The child is
 * an ordinary controller: pause, cancel, resume and watch work on it as on any other.
 */
export async function goalRunDetached(ctx: CliContext, request: string, opts: GoalRunOptions): Promise<number> {
  const bin = process.argv[1];
  if (bin === undefined) throw new OmkError('failed', 'cannot tell which omk to start for --detach');
  const { store, paths } = await openGoalStore(ctx, true);
  try {
    const goalId = newGoalId(ctx.now(), randomBytes(2).toString('hex'));
    const goalDir = path.join(paths.goalsDir, goalId);
    mkdirSync(goalDir, { recursive: true });
    const log = path.join(goalDir, 'controller.log');
    const args = [...process.execArgv, bin, 'goal', 'run', request, ...forwardedFlags(opts), '--json'];
    const fd = openSync(log, 'a');
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let pid: number | undefined;
    try {
      const child = spawn(process.execPath, args, {
        cwd: ctx.cwd,
        env: { ...ctx.env, [DETACHED_GOAL_ID_ENV]: goalId, OMK_PROGRESS: '1' },
        detached: true,
        stdio: ['ignore', fd, fd],
      });
      pid = child.pid;
      child.on('error', () => (exited ??= { code: null, signal: null }));
      child.on('exit', (code, signal) => (exited ??= { code, signal }));
      child.unref();
    } finally {
      closeSync(fd);
    }
    const deadline = Date.now() + CREATED_WAIT_MS;
    for (;;) {
      if (await store.getGoal(goalId)) break;
      if (exited || pid === undefined) {
        throw new OmkError('failed', `the detached controller exited before creating the goal (${exited?.signal ?? `exit ${String(exited?.code ?? 'unknown')}`}): ${logTail(log)}`, {
          hint: `its output: ${log}`,
        });
      }
      if (Date.now() > deadline) {
        throw new OmkError('failed', `the detached controller (pid ${pid}) did not record goal ${goalId} within ${CREATED_WAIT_MS / 1000}s`, { hint: `its output: ${log}` });
      }
      await sleep(100);
    }
    if (opts.json === true) {
      writeJson(ctx, { goal_id: goalId, detached: true, pid, log, goal_dir: goalDir, watch: `omk goal watch ${goalId}`, status: `omk goal status ${goalId}` });
    } else {
      writeLine(ctx, `goal ${goalId}: running detached (pid ${String(pid)})`);
      writeLine(ctx, `  follow: omk goal watch ${goalId}`);
      writeLine(ctx, `  status: omk goal status ${goalId}`);
      writeLine(ctx, `  stop:   omk goal pause ${goalId} | omk goal cancel ${goalId}`);
      writeLine(ctx, `  log:    ${log}`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The child's flags: the same `goal run` options, minus `--detach` and `--json` (the child always writes JSON). */
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
  if (opts.untilReady === true) out.push('--until-ready');
  return out;
}

function logTail(file: string): string {
  if (!existsSync(file)) return '(no output)';
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? '(no output)' : text.slice(-800);
}
