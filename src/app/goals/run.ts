import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hasPerTaskLimits, parseBudgetLimits, parsePerTaskLimits, type BudgetLimits, type PerTaskLimits } from '../../core/budget/index.js';
import type { OmkConfig } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import type { TeamSpec } from '../../core/goal/team.js';
import { formatIncludeProblem, INCLUDE_FILE, parseInclude } from '../../core/worktree/include.js';
import { loadConfig } from '../../runtime/config/load-config.js';
import { runGoal as driveGoal, type GoalRunResult } from '../../runtime/goal/index.js';
import { checkDeliveryFlags, deliveryPolicies } from '../../runtime/goal-delivery/policies.js';
import type { AppContext } from '../context.js';
import { openRepoStore, repoPaths } from '../repo.js';
import { controlContext, goalRuntime } from '../runtime.js';
import { detachedGoalId, startDetached, type DetachedStart } from './detach.js';
import { deliverAfterRun, type RunOutcome } from './finish.js';

export type { GoalRunResult } from '../../runtime/goal/index.js';

/** `goal run` / `goal plan` / `team run` options, as a surface receives them (strings are parsed and checked here). */
export interface GoalRunOptions {
  engine?: string;
  untilReady?: boolean;
  maxAgents?: string;
  /** Agents this controller runs itself (the rest are left to `omk worker` processes). */
  localAgents?: string;
  gates?: string;
  base?: string;
  budgetTime?: string;
  budgetTokens?: string;
  budgetUsd?: string;
  /** Each task's own limits, over all its attempts. */
  budgetTaskTokens?: string;
  budgetTaskUsd?: string;
  /** Delivery when the goal reaches its verdict: local | draft-pr | auto-pr (default: defaults.policy). */
  policy?: string;
  /** disabled | manual | gated (default: defaults.merge_policy). */
  mergePolicy?: string;
  /** Set by `omk team run N:ROLE` (not a flag): the goal is a team run (docs/goals.md, "Team runs"). */
  team?: TeamSpec;
}

/** The same bound the config schema puts on `defaults.max_agents`. */
const MAX_AGENTS_LIMIT = 64;

interface CheckedRun {
  maxAgents: number;
  localAgents: number;
  flags: BudgetLimits;
  perTask: PerTaskLimits;
  delivery: ReturnType<typeof checkDeliveryFlags>;
}

/** Everything a run is judged by is checked before anything is written: flags, config, the include list. */
async function checkRun(ctx: AppContext, opts: GoalRunOptions): Promise<CheckedRun> {
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  await checkWorktreeInclude(repoPaths(ctx).repoRoot);
  const maxAgents = opts.maxAgents === undefined ? config.defaults.max_agents : Number(opts.maxAgents);
  if (!Number.isInteger(maxAgents) || maxAgents < 1 || maxAgents > MAX_AGENTS_LIMIT) {
    throw new OmkError('usage', `--max-agents must be an integer from 1 to ${MAX_AGENTS_LIMIT}, got ${String(opts.maxAgents)}`);
  }
  const localAgents = opts.localAgents === undefined ? maxAgents : Number(opts.localAgents);
  if (!Number.isInteger(localAgents) || localAgents < 0 || localAgents > maxAgents) {
    throw new OmkError('usage', `--local-agents must be an integer from 0 to --max-agents (${maxAgents}), got ${String(opts.localAgents)}`);
  }
  return {
    maxAgents,
    localAgents,
    flags: parseBudgetLimits({ time: opts.budgetTime, tokens: opts.budgetTokens, usd: opts.budgetUsd }),
    perTask: parsePerTaskLimits({ tokens: opts.budgetTaskTokens, usd: opts.budgetTaskUsd }),
    delivery: checkDeliveryFlags({ policy: opts.policy, mergePolicy: opts.mergePolicy }),
  };
}

/** Starts a goal's controller in the background and returns once it has recorded the goal (`goal run --detach`, MCP `goal_run`). */
export async function startGoalDetached(ctx: AppContext, request: string, opts: GoalRunOptions): Promise<DetachedStart> {
  await checkRun(ctx, opts);
  return startDetached(ctx, request, opts);
}

/** `omk goal run`: intake → plan → baseline → execute → integrate → review → proof, then delivery by policy. */
export function runGoalToVerdict(ctx: AppContext, request: string, opts: GoalRunOptions): Promise<RunOutcome> {
  return run(ctx, request, opts, false);
}

/** `omk goal plan`: intake and planning only (`result.status` is `planned`). */
export function planGoal(ctx: AppContext, request: string, opts: Pick<GoalRunOptions, 'engine' | 'gates' | 'base'>): Promise<RunOutcome> {
  return run(ctx, request, opts, true);
}

async function run(ctx: AppContext, request: string, opts: GoalRunOptions, planOnly: boolean): Promise<RunOutcome> {
  const checked = await checkRun(ctx, opts);
  const goalId = planOnly ? undefined : detachedGoalId(ctx);
  const { store, paths } = await openRepoStore(ctx, 'create');
  try {
    const { rt, config } = await goalRuntime(ctx, store, paths, opts.engine);
    const control = await controlContext(ctx, paths);
    try {
      const budget = goalBudgetLimits(checked.flags, config.budget, opts, checked.perTask);
      const gates = opts.gates?.split(',').map((g) => g.trim()).filter(Boolean);
      const delivery = deliveryPolicies(config, checked.delivery);
      const result: GoalRunResult = await driveGoal(
        rt,
        {
          request,
          maxAgents: checked.maxAgents,
          localAgents: checked.localAgents,
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
      if (planOnly) return { result, goalDir: path.join(paths.goalsDir, result.goalId), delivery: undefined };
      return await deliverAfterRun(ctx, { store, paths, result, config, policies: delivery });
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
