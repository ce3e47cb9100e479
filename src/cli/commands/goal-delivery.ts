import type { GitContext } from '../../runtime/git/index.js';
import type { DeliveryFlags, DeliverySettings, MergeGoalResult, OpenGoalPrResult } from '../../runtime/goal-delivery/index.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { openGoalStore, type RepoPaths } from './goal/open-store.js';

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
  const { settings, draftByPolicy } = await settingsFor(ctx, opts);
  const { openGoalPr } = await import('../../runtime/goal-delivery/index.js');
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const result = await openGoalPr({
      store,
      goalsDir: paths.goalsDir,
      goalRef: ref,
      git: gitFor(ctx, paths),
      settings,
      draft: opts.draft === true || draftByPolicy,
      dryRun: opts.dryRun === true,
    });
    if (opts.json) writeJson(ctx, result);
    else printOpenPr(ctx, result);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export interface MergeOptions {
  policy?: string;
  remote?: string;
  json?: boolean;
}

export async function goalMergeCommand(ctx: CliContext, ref: string, opts: MergeOptions): Promise<number> {
  const { settings } = await settingsFor(ctx, opts);
  const { mergeGoal } = await import('../../runtime/goal-delivery/index.js');
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const result = await mergeGoal({ store, goalsDir: paths.goalsDir, goalRef: ref, git: gitFor(ctx, paths), settings });
    if (opts.json) writeJson(ctx, result);
    else printMerge(ctx, result);
    return result.outcome === 'refused' ? EXIT.failure : EXIT.ok;
  } finally {
    await store.close();
  }
}

async function settingsFor(ctx: CliContext, opts: DeliveryFlags): Promise<{ settings: DeliverySettings; draftByPolicy: boolean }> {
  const flags: DeliveryFlags = {};
  if (opts.remote !== undefined) flags.remote = opts.remote;
  if (opts.base !== undefined) flags.base = opts.base;
  if (opts.policy !== undefined) flags.policy = opts.policy;
  const { loadConfig } = await import('../../runtime/config/load-config.js');
  const { deliverySettings } = await import('../../runtime/goal-delivery/settings.js');
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  return { settings: deliverySettings(config, flags), draftByPolicy: config.defaults.policy === 'draft-pr' };
}

function gitFor(ctx: CliContext, paths: RepoPaths): GitContext {
  return { cwd: paths.repoRoot, env: ctx.env, signal: ctx.signal };
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
