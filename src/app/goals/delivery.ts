import type { DeliveryFlags, DeliverySettings, MergeGoalResult, OpenGoalPrResult } from '../../runtime/goal-delivery/index.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';

export type { MergeGoalResult, OpenGoalPrResult } from '../../runtime/goal-delivery/index.js';

/** `open-pr`: push the integration head (never forced) and open or update the goal's pull request (docs/delivery.md). */
export async function openGoalPullRequest(
  ctx: AppContext,
  ref: string,
  opts: { dryRun?: boolean; draft?: boolean; remote?: string; base?: string } = {},
): Promise<OpenGoalPrResult> {
  const { settings, draftByPolicy } = await settingsFor(ctx, opts);
  const { openGoalPr } = await import('../../runtime/goal-delivery/index.js');
  return withRepoStore(ctx, 'write', (store, paths) =>
    openGoalPr({
      store,
      goalsDir: paths.goalsDir,
      goalRef: ref,
      git: { cwd: paths.repoRoot, env: ctx.env, signal: ctx.signal },
      settings,
      draft: opts.draft === true || draftByPolicy,
      dryRun: opts.dryRun === true,
    }),
  );
}

/** `merge`: merge the goal's pull request under the merge policy (refused, with the reason recorded, when it says no). */
export async function mergeGoalPullRequest(ctx: AppContext, ref: string, opts: { policy?: string; remote?: string } = {}): Promise<MergeGoalResult> {
  const { settings } = await settingsFor(ctx, opts);
  const { mergeGoal } = await import('../../runtime/goal-delivery/index.js');
  return withRepoStore(ctx, 'write', (store, paths) => mergeGoal({ store, goalsDir: paths.goalsDir, goalRef: ref, git: { cwd: paths.repoRoot, env: ctx.env, signal: ctx.signal }, settings }));
}

async function settingsFor(ctx: AppContext, opts: DeliveryFlags): Promise<{ settings: DeliverySettings; draftByPolicy: boolean }> {
  const flags: DeliveryFlags = {};
  if (opts.remote !== undefined) flags.remote = opts.remote;
  if (opts.base !== undefined) flags.base = opts.base;
  if (opts.policy !== undefined) flags.policy = opts.policy;
  const { loadConfig } = await import('../../runtime/config/load-config.js');
  const { deliverySettings } = await import('../../runtime/goal-delivery/settings.js');
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  return { settings: deliverySettings(config, flags), draftByPolicy: config.defaults.policy === 'draft-pr' };
}
