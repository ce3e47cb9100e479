import { goalService } from '../../app/goal-service.js';
import type { CliContext } from '../context.js';
import type { GoalRunFlags } from './goal/run.js';
import { finishRun } from './goal/print.js';

export type TeamRunOptions = Pick<
  GoalRunFlags,
  'engine' | 'gates' | 'base' | 'json' | 'untilReady' | 'budgetTime' | 'budgetTokens' | 'budgetUsd' | 'budgetTaskTokens' | 'budgetTaskUsd' | 'policy' | 'mergePolicy'
>;

/** `omk team run N:ROLE "TASK"` (docs/goals.md, "Team runs"); the exit status is the verdict's, as for `omk goal run`. */
export async function teamRunCommand(ctx: CliContext, spec: string, task: string, opts: TeamRunOptions): Promise<number> {
  const { json, ...run } = opts;
  return finishRun(ctx, await goalService(ctx).team(spec, task, run), json === true);
}
