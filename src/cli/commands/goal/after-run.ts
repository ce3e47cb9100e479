import type { OmkConfig } from '../../../core/config/types.js';
import { goalDir, recordedOptions, type GoalRunResult } from '../../../runtime/goal/index.js';
import type { AfterRunDelivery, DeliveryPolicies } from '../../../runtime/goal-delivery/index.js';
import type { SqliteStore } from '../../../runtime/store/sqlite-store.js';
import { writeLine, type CliContext } from '../../context.js';
import { exitStatusFor } from '../../exit-codes.js';
import { exitForStatus, type RepoPaths } from './open-store.js';
import { print } from './run.js';

export interface FinishRunInput {
  store: SqliteStore;
  paths: RepoPaths;
  result: GoalRunResult;
  config: OmkConfig;
  /** The run's; omitted on a resume, which delivers under the policies recorded in goal.json. */
  policies?: DeliveryPolicies;
  json: boolean;
}

/**
 * The end of `omk goal run` / `resume` / `budget-add`: prints the verdict, delivers under the run's
 * policies (deliverAfterRun), prints what delivery did, and returns the exit status: the verdict's,
 * unless the verdict is `ready` and delivery failed — then the failure's (docs/exit-codes.md).
 */
export async function finishRun(ctx: CliContext, input: FinishRunInput): Promise<number> {
  const { result, paths, json } = input;
  if (!json) print(ctx, result, paths.goalsDir, false);
  const { deliverAfterRun, recordedPolicies } = await import('../../../runtime/goal-delivery/index.js');
  const recorded = input.policies ? undefined : await recordedOptions(goalDir(paths.goalsDir, result.goalId).goalJson);
  const delivery = await deliverAfterRun({
    store: input.store,
    goalsDir: paths.goalsDir,
    goalId: result.goalId,
    status: result.status,
    proof: result.proof,
    git: { cwd: paths.repoRoot, env: ctx.env, signal: ctx.signal },
    config: input.config,
    policies: input.policies ?? recordedPolicies(recorded ?? {}, input.config),
  });
  if (json) print(ctx, result, paths.goalsDir, true, { delivery });
  else printDelivery(ctx, delivery);
  if (delivery.error) {
    // The same shape as any omk error, so it reads as one; the verdict above still stands.
    ctx.stderr.write(`omk: error: delivery (${delivery.policy}) failed: ${delivery.error.message}\n`);
    ctx.stderr.write(`  fix: ${delivery.error.hint ?? 'see the message above'}; then deliver with \`${delivery.error.retry}\`\n`);
  }
  const verdict = exitForStatus(result.status);
  return verdict === 0 && delivery.error ? exitStatusFor(delivery.error.code) : verdict;
}

function printDelivery(ctx: CliContext, d: AfterRunDelivery): void {
  if (d.outcome !== 'opened') {
    writeLine(ctx, `  delivery: ${d.outcome === 'failed' ? `failed (the verdict stands): ${d.reason}` : d.reason}`);
    return;
  }
  const push = d.push === null ? '' : d.push.outcome === 'up_to_date' ? ' (already up to date)' : ` (${d.push.outcome.replace('_', '-')})`;
  writeLine(ctx, `  delivery: ${d.reason}: ${d.pr?.url ?? ''}`);
  writeLine(ctx, `    pushed ${d.head_sha?.slice(0, 12) ?? '?'} to ${d.branch}${push}`);
  if (d.merge) writeLine(ctx, `    merge: ${d.merge.outcome.replace('_', ' ')}: ${d.merge.reason}`);
}
