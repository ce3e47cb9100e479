import path from 'node:path';
import { progressThresholdsFromConfig } from '../../core/progress/from-config.js';
import { loadConfig } from '../../runtime/config/load-config.js';
import { diagnoseGoal as diagnose, loadAttemptPatches, loadDiagnosedRuns, renderDiagnosis } from '../../runtime/goal-diagnose/index.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';

/**
 * `diagnose`: why a goal is not making progress — per task its attempts with their failing gate
 * signatures, empty diffs, repeated signatures and reverted trees; each gate's history; what the
 * no-progress detector concludes with the configured thresholds; a diagnosis and next steps. Reads only.
 */
export async function diagnoseGoal(ctx: AppContext, ref: string): Promise<{ report: ReturnType<typeof diagnose>; text: string }> {
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    const events = await store.readEvents(goal.id);
    const goalDir = path.join(paths.goalsDir, goal.id);
    const runs = await loadDiagnosedRuns(goalDir, events, paths.repoRoot);
    const patches = await loadAttemptPatches(goalDir, await store.goalLog(goal.id));
    const thresholds = progressThresholdsFromConfig(config.goal.no_progress);
    const report = diagnose({ goalId: goal.id, status: goal.status, events, runs, patches, thresholds });
    return { report, text: renderDiagnosis(report) };
  });
}
