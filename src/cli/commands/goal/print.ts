import path from 'node:path';
import type { AfterRunDelivery, RunOutcome } from '../../../app/goals/finish.js';
import type { GoalRunResult } from '../../../app/goals/run.js';
import { writeJson, writeLine, type CliContext } from '../../context.js';
import { exitForStatus, exitStatusFor } from '../../exit-codes.js';

/** The verdict as text, or as the run's JSON document (`extra`, e.g. `delivery`, is added to it; docs/goals.md). */
export function printResult(ctx: CliContext, result: GoalRunResult, goalDir: string, json: boolean, extra: Record<string, unknown> = {}): void {
  const proof = result.proof;
  if (json) {
    writeJson(ctx, {
      goal_id: result.goalId,
      status: result.status,
      reason: result.reason,
      readiness: proof?.readiness ?? null,
      known_gaps: proof?.known_gaps ?? [],
      human_decisions_required: proof?.human_decisions_required ?? [],
      proof: proof ? path.join(goalDir, 'proof.json') : null,
      goal_dir: goalDir,
      ...extra,
    });
    return;
  }
  writeLine(ctx, `goal ${result.goalId}: ${result.status}`);
  writeLine(ctx, `  ${proof?.readiness ?? result.reason}`);
  for (const gap of proof?.known_gaps ?? []) writeLine(ctx, `  gap: ${gap}`);
  for (const h of proof?.human_decisions_required ?? []) writeLine(ctx, `  needs a human: ${h}`);
  if (proof) writeLine(ctx, `  proof: ${path.join(goalDir, 'proof.md')} (verify: omk goal proof ${result.goalId} --verify)`);
  else writeLine(ctx, `  files: ${goalDir}`);
}

/**
 * The end of `run` / `resume` / `budget-add`: the verdict, what delivery did, and the exit status —
 * the verdict's, unless the verdict is `ready` and delivery failed: then the failure's (docs/exit-codes.md).
 */
export function finishRun(ctx: CliContext, outcome: RunOutcome, json: boolean): number {
  const { result, goalDir, delivery } = outcome;
  if (json) printResult(ctx, result, goalDir, true, delivery ? { delivery } : {});
  else {
    printResult(ctx, result, goalDir, false);
    if (delivery) printDelivery(ctx, delivery);
  }
  if (delivery?.error) {
    // The same shape as any omk error, so it reads as one; the verdict above still stands.
    ctx.stderr.write(`omk: error: delivery (${delivery.policy}) failed: ${delivery.error.message}\n`);
    ctx.stderr.write(`  fix: ${delivery.error.hint ?? 'see the message above'}; then deliver with \`${delivery.error.retry}\`\n`);
  }
  const verdict = exitForStatus(result.status);
  return verdict === 0 && delivery?.error ? exitStatusFor(delivery.error.code) : verdict;
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
