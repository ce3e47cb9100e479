import { randomBytes, randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';
import { OmkError } from '../../../core/errors.js';
import { resolveEngine } from '../../../engines/registry/index.js';
import { loadConfig } from '../../../runtime/config/load-config.js';
import { loadGates } from '../../../runtime/gates/load-gates.js';
import { runGoal, type GoalRunResult, type GoalRuntime } from '../../../runtime/goal/index.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { registryEnginePort } from './engine-port.js';
import { exitForStatus, openGoalStore } from './open-store.js';

export interface GoalRunOptions {
  engine?: string;
  untilReady?: boolean;
  maxAgents?: string;
  gates?: string;
  base?: string;
  json?: boolean;
}

/** `omk goal run "GOAL"`: intake → plan → baseline → execute → integrate → review → proof; exit status from the verdict. */
export function goalRunCommand(ctx: CliContext, request: string, opts: GoalRunOptions): Promise<number> {
  return run(ctx, request, opts, false);
}

/** `omk goal plan "GOAL"`: intake and planning only. */
export function goalPlanCommand(ctx: CliContext, request: string, opts: Pick<GoalRunOptions, 'engine' | 'gates' | 'base' | 'json'>): Promise<number> {
  return run(ctx, request, opts, true);
}

async function run(ctx: CliContext, request: string, opts: GoalRunOptions, planOnly: boolean): Promise<number> {
  const maxAgents = opts.maxAgents === undefined ? 1 : Number(opts.maxAgents);
  if (!Number.isInteger(maxAgents) || maxAgents < 1) throw new OmkError('usage', `--max-agents must be a positive integer, got ${String(opts.maxAgents)}`);
  if (maxAgents > 1) {
    throw new OmkError('usage', '--max-agents above 1 is not supported yet: this omk runs one worker per goal', { hint: 'omit --max-agents (default 1)' });
  }
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const { store, paths } = await openGoalStore(ctx, true);
  try {
    const gateSet = await loadGates({ repoRoot: paths.repoRoot, config, sources, env: ctx.env });
    const spec = resolveEngine(opts.engine ?? config.defaults.engine, config, sources);
    const progress = (ctx.stderr as { isTTY?: boolean }).isTTY === true || ctx.env.OMK_PROGRESS === '1';
    const rt: GoalRuntime = {
      store,
      repoRoot: paths.repoRoot,
      goalsDir: paths.goalsDir,
      worktreesRoot: config.worktrees.root ? path.resolve(paths.repoRoot, config.worktrees.root) : path.join(paths.repoRoot, '.omk', 'worktrees'),
      env: ctx.env,
      homeDir: ctx.env.HOME ?? homedir(),
      config,
      gates: gateSet.active,
      engine: registryEnginePort(spec, ctx.env),
      now: ctx.now,
      randomHex: () => randomBytes(2).toString('hex'),
      signal: ctx.signal,
      progress: progress ? (line) => void ctx.stderr.write(`omk: ${line}\n`) : () => undefined,
      owner: `controller-${process.pid}-${randomUUID().slice(0, 8)}`,
    };
    const gates = opts.gates?.split(',').map((g) => g.trim()).filter(Boolean);
    const result = await runGoal(rt, {
      request,
      maxAgents,
      untilReady: opts.untilReady === true,
      planOnly,
      ...(opts.base ? { base: opts.base } : {}),
      ...(gates && gates.length > 0 ? { gates } : {}),
    });
    print(ctx, result, paths.goalsDir, opts.json === true);
    return exitForStatus(result.status);
  } finally {
    await store.close();
  }
}

function print(ctx: CliContext, result: GoalRunResult, goalsDir: string, json: boolean): void {
  const dir = path.join(goalsDir, result.goalId);
  const proof = result.proof;
  if (json) {
    writeJson(ctx, {
      goal_id: result.goalId,
      status: result.status,
      reason: result.reason,
      readiness: proof?.readiness ?? null,
      known_gaps: proof?.known_gaps ?? [],
      human_decisions_required: proof?.human_decisions_required ?? [],
      proof: proof ? path.join(dir, 'proof.json') : null,
      goal_dir: dir,
    });
    return;
  }
  writeLine(ctx, `goal ${result.goalId}: ${result.status}`);
  writeLine(ctx, `  ${proof?.readiness ?? result.reason}`);
  for (const gap of proof?.known_gaps ?? []) writeLine(ctx, `  gap: ${gap}`);
  for (const h of proof?.human_decisions_required ?? []) writeLine(ctx, `  needs a human: ${h}`);
  if (proof) writeLine(ctx, `  proof: ${path.join(dir, 'proof.md')} (verify: omk goal proof ${result.goalId} --verify)`);
  else writeLine(ctx, `  files: ${dir}`);
}
