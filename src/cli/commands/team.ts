import { parseTeamSpec } from '../../core/goal/team.js';
import type { CliContext } from '../context.js';
import { goalRunCommand, type GoalRunOptions } from './goal/run.js';

export type TeamRunOptions = Pick<
  GoalRunOptions,
  'engine' | 'gates' | 'base' | 'json' | 'untilReady' | 'budgetTime' | 'budgetTokens' | 'budgetUsd' | 'budgetTaskTokens' | 'budgetTaskUsd' | 'policy' | 'mergePolicy'
>;

/**
 * `omk team run N:ROLE "TASK"`: a goal run with N agents whose plan is a decomposition into at most N
 * independent ROLE slices and whose intake asks no question (docs/goals.md, "Team runs"). The argument
 * is checked before anything is written; the exit status is the verdict's, as for `omk goal run`.
 */
export function teamRunCommand(ctx: CliContext, spec: string, task: string, opts: TeamRunOptions): Promise<number> {
  const team = parseTeamSpec(spec);
  return goalRunCommand(ctx, task, { ...opts, maxAgents: String(team.workers), team });
}
