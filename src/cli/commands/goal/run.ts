import { isProcessAlive } from '../../../runtime/process/pid-alive.js';
import { randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { hasPerTaskLimits, parseBudgetLimits, parsePerTaskLimits, type BudgetLimits, type PerTaskLimits } from '../../../core/budget/index.js';
import type { OmkConfig } from '../../../core/config/types.js';
import type { TeamSpec } from '../../../core/goal/team.js';
import { OmkError } from '../../../core/errors.js';
import { resolveEngine } from '../../../engines/registry/index.js';
import { loadConfig } from '../../../runtime/config/load-config.js';
import { loadGates } from '../../../runtime/gates/load-gates.js';
import { newOwnerId } from '../../../runtime/goal/owner.js';
import { registerIncludedSecrets } from '../../../runtime/goal/included-secrets.js';
import { runGoal, type ControlContext, type GoalRunResult, type GoalRuntime } from '../../../runtime/goal/index.js';
import { checkDeliveryFlags, deliveryPolicies } from '../../../runtime/goal-delivery/policies.js';
import type { SqliteStore } from '../../../runtime/store/sqlite-store.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { detachedGoalId, goalRunDetached } from './detach.js';
import { registryEnginePort, reviewerEnginePort } from './engine-port.js';
import { exitForStatus, openGoalStore, repoPaths, type RepoPaths } from './open-store.js';
import { formatIncludeProblem, INCLUDE_FILE, parseInclude } from '../../../core/worktree/include.js';
import { readFile } from 'node:fs/promises';

export interface GoalRunOptions {
  engine?: string;
  untilReady?: boolean;
  maxAgents?: string;
  /** Agents this controller runs itself (the rest are left to `omk worker` processes). */
  localAgents?: string;
  gates?: string;
  base?: string;
  json?: boolean;
  budgetTime?: string;
  budgetTokens?: string;
  budgetUsd?: string;
  /** Each task's own limits, over all its attempts. */
  budgetTaskTokens?: string;
  budgetTaskUsd?: string;
  /** Run the controller as a detached background process; print the goal id and return. */
  detach?: boolean;
  /** Delivery when the goal reaches its verdict: local | draft-pr | auto-pr (default: defaults.policy). */
  policy?: string;
  /** disabled | manual | gated (default: defaults.merge_policy). */
  mergePolicy?: string;
  /** Set by `omk team run N:ROLE` (not a flag): the goal is a team run (docs/goals.md, "Team runs"). */
  team?: TeamSpec;
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
  // Everything a run is judged by is checked before anything is written: flags, config, the include list.
  const { config: preflight } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  await checkWorktreeInclude(repoPaths(ctx).repoRoot);
  const maxAgents = opts.maxAgents === undefined ? preflight.defaults.max_agents : Number(opts.maxAgents);
  if (!Number.isInteger(maxAgents) || maxAgents < 1 || maxAgents > MAX_AGENTS_LIMIT) {
    throw new OmkError('usage', `--max-agents must be an integer from 1 to ${MAX_AGENTS_LIMIT}, got ${String(opts.maxAgents)}`);
  }
  const localAgents = opts.localAgents === undefined ? maxAgents : Number(opts.localAgents);
  if (!Number.isInteger(localAgents) || localAgents < 0 || localAgents > maxAgents) {
    throw new OmkError('usage', `--local-agents must be an integer from 0 to --max-agents (${maxAgents}), got ${String(opts.localAgents)}`);
  }
  // Flags are checked before anything is written.
  const flags = parseBudgetLimits({ time: opts.budgetTime, tokens: opts.budgetTokens, usd: opts.budgetUsd });
  const perTask = parsePerTaskLimits({ tokens: opts.budgetTaskTokens, usd: opts.budgetTaskUsd });
  const deliveryFlags = checkDeliveryFlags({ policy: opts.policy, mergePolicy: opts.mergePolicy });
  if (opts.detach === true && !planOnly) return goalRunDetached(ctx, request, opts);
  const goalId = planOnly ? undefined : detachedGoalId(ctx);
  const { store, paths } = await openGoalStore(ctx, true);
  try {
    const { rt, control, config } = await goalRuntime(ctx, store, paths, opts.engine);
    try {
      const budget = goalBudgetLimits(flags, config.budget, opts, perTask);
      const gates = opts.gates?.split(',').map((g) => g.trim()).filter(Boolean);
      const delivery = deliveryPolicies(config, deliveryFlags);
      const result = await runGoal(
        rt,
        {
          request,
          maxAgents,
          localAgents,
          untilReady: opts.untilReady === true,
          planOnly,
          ...(budget ? { budget } : {}),
          ...(goalId ? { goalId } : {}),
          ...(opts.base ? { base: opts.base } : {}),
          ...(gates && gates.length > 0 ? { gates } : {}),
          ...(planOnly ? {} : { delivery }),
          ...(opts.team ? { team: opts.team } : {}),
        },
        control,
      );
      if (!planOnly) return await (await import('./after-run.js')).finishRun(ctx, { store, paths, result, config, policies: delivery, json: opts.json === true });
      print(ctx, result, paths.goalsDir, opts.json === true);
      return exitForStatus(result.status);
    } finally {
      await control.host.registry.close();
    }
  } finally {
    await store.close();
  }
}

/** Each dimension from its `--budget-*` flag, else from config `[budget]`; undefined when nothing is limited. */
function goalBudgetLimits(
  flags: BudgetLimits,
  config: OmkConfig['budget'],
  opts: GoalRunOptions,
  perTask: PerTaskLimits,
): { limits: BudgetLimits; source: string; perTask?: PerTaskLimits } | undefined {
  const fromConfig = parseBudgetLimits({ time: config.time, tokens: config.tokens, usd: config.usd }, { time: 'budget.time', tokens: 'budget.tokens', usd: 'budget.usd' }, 'config_invalid');
  const limits: BudgetLimits = {
    time_ms: opts.budgetTime !== undefined ? flags.time_ms : fromConfig.time_ms,
    tokens: opts.budgetTokens !== undefined ? flags.tokens : fromConfig.tokens,
    usd_micros: opts.budgetUsd !== undefined ? flags.usd_micros : fromConfig.usd_micros,
  };
  const tasks = hasPerTaskLimits(perTask) ? { perTask } : {};
  if (limits.time_ms === null && limits.tokens === null && limits.usd_micros === null && !tasks.perTask) return undefined;
  const fromFlags = opts.budgetTime !== undefined || opts.budgetTokens !== undefined || opts.budgetUsd !== undefined || tasks.perTask !== undefined;
  const fromConf = config.time !== undefined || config.tokens !== undefined || config.usd !== undefined;
  return { limits, source: fromFlags && fromConf ? 'flags and config' : fromFlags ? 'flags' : 'config', ...tasks };
}

/** The goal runtime over the CLI context, and the controller's hold in the store (close its registry when done). */
export async function goalRuntime(
  ctx: CliContext,
  store: SqliteStore,
  paths: RepoPaths,
  engine: string | undefined,
): Promise<{ rt: GoalRuntime; control: ControlContext; config: OmkConfig }> {
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  // Before any agent, gate or transcript: the values of local files copied into worktrees are secrets.
  await registerIncludedSecrets(paths.repoRoot);
  const gateSet = await loadGates({ repoRoot: paths.repoRoot, config, sources, env: ctx.env });
  const spec = resolveEngine(engine ?? config.defaults.engine, config, sources);
  const executor = registryEnginePort(spec, ctx.env);
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
    engine: executor,
    reviewer: reviewerEnginePort(executor, config, sources, ctx.env),
    now: ctx.now,
    randomHex: () => randomBytes(2).toString('hex'),
    signal: ctx.signal,
    progress: progress ? (line) => void ctx.stderr.write(`omk: ${line}\n`) : () => undefined,
    owner: newOwnerId('controller'),
  };
  return { rt, control: await controlContext(ctx, paths), config };
}

/** This process as a controller: its registry connection, host, pid, and who it acts for. */
export async function controlContext(ctx: CliContext, paths: RepoPaths): Promise<ControlContext> {
  const { openControllerRegistry } = await import('../../../runtime/store/sqlite-controllers.js');
  const registry = await openControllerRegistry({ dbFile: paths.dbFile, now: ctx.now });
  return { host: { registry, host: hostname(), pid: process.pid, pidAlive: isProcessAlive }, by: whoAmI(ctx) };
}

/** `user@host (pid N)`: who asked, in control events. */
export function whoAmI(ctx: CliContext): string {
  return `${ctx.env.USER ?? ctx.env.USERNAME ?? 'unknown'}@${hostname()} (pid ${process.pid})`;
}

/** The verdict as text, or as the run's JSON document (`extra`, e.g. `delivery`, is added to it). */
export function print(ctx: CliContext, result: GoalRunResult, goalsDir: string, json: boolean, extra: Record<string, unknown> = {}): void {
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
      ...extra,
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

/** The same bound the config schema puts on `defaults.max_agents`. */
const MAX_AGENTS_LIMIT = 64;

/**
 * `.omk/worktree-include` is read when each worktree is made; a mistake in it is a usage error now,
 * naming file and line, not a blocked goal after the planner has already been paid for.
 */
async function checkWorktreeInclude(repoRoot: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path.join(repoRoot, INCLUDE_FILE), 'utf8');
  } catch {
    return;
  }
  const problems = parseInclude(text).problems;
  if (problems.length === 0) return;
  throw new OmkError('config_invalid', problems.map((p) => formatIncludeProblem(INCLUDE_FILE, p)).join('\n'), {
    hint: `fix or remove those lines in ${INCLUDE_FILE} (patterns are relative to the repository root and may not leave it)`,
  });
}
