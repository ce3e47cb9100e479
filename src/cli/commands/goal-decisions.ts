import type { HumanDecision } from '../../core/proof/evidence.js';
import { goalService } from '../../app/goal-service.js';
import type { HumanDecisionResult } from '../../app/goals/decisions.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `omk goal accept GOAL --summary TEXT` and `omk goal reject GOAL --reason TEXT`: a human decision,
 * recorded as evidence, and the proof re-derived. Exit 0 when recorded, whatever the resulting
 * status (it is printed); the `--json` shape is in docs/goals.md ("Human decisions and diagnosis").
 */
export async function goalAcceptCommand(ctx: CliContext, ref: string, opts: { summary: string; json?: boolean }): Promise<number> {
  return decide(ctx, ref, 'accept', opts.summary, opts.json === true);
}

export async function goalRejectCommand(ctx: CliContext, ref: string, opts: { reason: string; json?: boolean }): Promise<number> {
  return decide(ctx, ref, 'reject', opts.reason, opts.json === true);
}

async function decide(ctx: CliContext, ref: string, kind: HumanDecision['kind'], text: string, json: boolean): Promise<number> {
  const result = await goalService(ctx).decide(ref, kind, text);
  if (json) writeJson(ctx, result);
  else printResult(ctx, result);
  return EXIT.ok;
}

function printResult(ctx: CliContext, r: HumanDecisionResult): void {
  const verb = r.decision.kind === 'accept' ? 'accepted' : 'rejected';
  writeLine(ctx, `goal ${r.goal_id}: ${verb} by ${r.decision.by} at ${r.decision.at} (event ${r.event_seq})`);
  writeLine(ctx, `  status: ${r.previous_status} -> ${r.status}`);
  writeLine(ctx, `  ${r.readiness}`);
  for (const gap of r.known_gaps) writeLine(ctx, `  gap: ${gap}`);
  if (r.decision.kind === 'accept' && r.status !== 'ready') {
    writeLine(ctx, '  note: an acceptance is recorded, but it never stands in for missing evidence');
  }
  writeLine(ctx, `  proof: ${r.proof}`);
}
