import { goalService } from '../../app/goal-service.js';
import type { MergeGoalResult, OpenGoalPrResult } from '../../app/goals/delivery.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `omk goal open-pr GOAL` and `omk goal merge GOAL`: deliver a finished goal as a GitHub pull request
 * and merge it under the merge policy. Exit statuses and the `--json` shapes are in docs/delivery.md
 * ("Delivery from the CLI"); credential and network failures are `blocked` (exit 3).
 */

export interface OpenPrOptions {
  dryRun?: boolean;
  draft?: boolean;
  remote?: string;
  base?: string;
  json?: boolean;
}

export async function goalOpenPrCommand(ctx: CliContext, ref: string, opts: OpenPrOptions): Promise<number> {
  const { json, ...open } = opts;
  const result = await goalService(ctx).openPr(ref, open);
  if (json) writeJson(ctx, result);
  else printOpenPr(ctx, result);
  return EXIT.ok;
}

export interface MergeOptions {
  policy?: string;
  remote?: string;
  json?: boolean;
}

export async function goalMergeCommand(ctx: CliContext, ref: string, opts: MergeOptions): Promise<number> {
  const { json, ...merge } = opts;
  const result = await goalService(ctx).merge(ref, merge);
  if (json) writeJson(ctx, result);
  else printMerge(ctx, result);
  return result.outcome === 'refused' ? EXIT.failure : EXIT.ok;
}

function printOpenPr(ctx: CliContext, r: OpenGoalPrResult): void {
  if (r.dry_run) {
    writeLine(ctx, `dry run: goal ${r.goal_id} (${r.verdict}) would be pushed to ${r.remote} ${r.branch} at ${r.head_sha.slice(0, 12)} and opened as ${r.draft ? 'a draft ' : 'a '}pull request on ${r.repository} against ${r.base}`);
    writeLine(ctx, `  push: ${r.push_argv.join(' ')}`);
    writeLine(ctx, `title: ${r.title}`);
    writeLine(ctx);
    ctx.stdout.write(r.body);
    return;
  }
  const push = r.push === null ? '' : r.push.outcome === 'up_to_date' ? ' (already up to date)' : ` (${r.push.outcome.replace('_', '-')})`;
  writeLine(ctx, `goal ${r.goal_id}: pull request #${r.pr.number ?? '?'} ${r.pr.operation}${r.pr.draft ? ' as a draft' : ''}: ${r.pr.url ?? ''}`);
  writeLine(ctx, `  pushed ${r.head_sha.slice(0, 12)} to ${r.remote} ${r.branch}${push}; base ${r.base}`);
  writeLine(ctx, `  verdict: ${r.verdict}${r.known_gaps.length > 0 ? ` (${r.known_gaps.length} known gap(s), listed in the body)` : ''}`);
}

function printMerge(ctx: CliContext, r: MergeGoalResult): void {
  const pr = r.number === null ? 'pull request' : `pull request #${r.number}`;
  if (r.outcome === 'refused') writeLine(ctx, `goal ${r.goal_id}: ${pr} not merged (policy ${r.policy}): ${r.reason}`);
  else if (r.outcome === 'already_merged') writeLine(ctx, `goal ${r.goal_id}: ${pr} was already merged: ${r.url ?? ''}`);
  else writeLine(ctx, `goal ${r.goal_id}: ${pr} merged at ${r.head_sha?.slice(0, 12) ?? '?'} (policy ${r.policy}) as ${r.merge_sha?.slice(0, 12) ?? '?'}: ${r.reason}`);
  for (const [name, state] of Object.entries(r.checks)) writeLine(ctx, `  check ${name}: ${state}`);
}
