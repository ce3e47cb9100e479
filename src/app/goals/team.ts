import { parseTeamSpec } from '../../core/goal/team.js';
import type { AppContext } from '../context.js';
import { runGoalToVerdict, type GoalRunOptions } from './run.js';
import type { RunOutcome } from './finish.js';

/**
 * `omk team run N:ROLE "TASK"`: a goal run with N agents whose plan is a decomposition into at most N
 * independent ROLE slices and whose intake asks no question (docs/goals.md, "Team runs"). The spec is
 * checked before anything is written.
 */
export function runTeam(ctx: AppContext, spec: string, task: string, opts: GoalRunOptions = {}): Promise<RunOutcome> {
  const team = parseTeamSpec(spec);
  return runGoalToVerdict(ctx, task, { ...opts, maxAgents: String(team.workers), team });
}
