import type { GoalRunOptions } from '../../../app/goals/run.js';
import { goalService } from '../../../app/goal-service.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { EXIT, exitForStatus } from '../../exit-codes.js';
import { finishRun, printResult } from './print.js';

export type GoalRunFlags = GoalRunOptions & { json?: boolean; detach?: boolean };

/** `omk goal run "GOAL"`: intake → plan → baseline → execute → integrate → review → proof; exit status from the verdict. */
export async function goalRunCommand(ctx: CliContext, request: string, opts: GoalRunFlags): Promise<number> {
  const { json, detach, ...run } = opts;
  if (detach === true) {
    const d = await goalService(ctx).runDetached(request, run);
    if (json === true) writeJson(ctx, { ...d, detached: true, watch: `omk goal watch ${d.goal_id}`, status: `omk goal status ${d.goal_id}` });
    else {
      writeLine(ctx, `goal ${d.goal_id}: running detached (pid ${String(d.pid)})`);
      writeLine(ctx, `  follow: omk goal watch ${d.goal_id}`);
      writeLine(ctx, `  status: omk goal status ${d.goal_id}`);
      writeLine(ctx, `  stop:   omk goal pause ${d.goal_id} | omk goal cancel ${d.goal_id}`);
      writeLine(ctx, `  log:    ${d.log}`);
    }
    return EXIT.ok;
  }
  return finishRun(ctx, await goalService(ctx).run(request, run), json === true);
}

/** `omk goal plan "GOAL"`: intake and planning only. */
export async function goalPlanCommand(ctx: CliContext, request: string, opts: Pick<GoalRunFlags, 'engine' | 'gates' | 'base' | 'json'>): Promise<number> {
  const { json, ...plan } = opts;
  const { result, goalDir } = await goalService(ctx).plan(request, plan);
  printResult(ctx, result, goalDir, json === true);
  return exitForStatus(result.status);
}
