import path from 'node:path';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { progressThresholdsFromConfig } from '../../core/progress/from-config.js';
import { loadConfig } from '../../runtime/config/load-config.js';
import { diagnoseGoal, loadAttemptPatches, loadDiagnosedRuns, renderDiagnosis } from '../../runtime/goal-diagnose/index.js';
import { writeJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { openGoalStore } from './goal/open-store.js';

/**
 * `omk goal diagnose GOAL [--json]`: why a goal is not making progress — per task, its attempts with
 * their failing gate signatures, empty diffs, repeated signatures and reverted trees; each gate's
 * history; the stuck reasons; what the loop's no-progress detector concludes with the configured
 * `[goal.no_progress]` thresholds; a diagnosis and next steps. Reads only; exit 0 whenever it reports.
 */
export async function goalDiagnoseCommand(ctx: CliContext, ref: string, opts: { json?: boolean }): Promise<number> {
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const goal = await store.resolveGoal(ref);
    const events = await store.readEvents(goal.id);
    const goalDir = path.join(paths.goalsDir, goal.id);
    const runs = await loadDiagnosedRuns(goalDir, events, paths.repoRoot);
    const patches = await loadAttemptPatches(goalDir, foldGoalLog(events));
    const thresholds = progressThresholdsFromConfig(config.goal.no_progress);
    const report = diagnoseGoal({ goalId: goal.id, status: goal.status, events, runs, patches, thresholds });
    if (opts.json) writeJson(ctx, report);
    else ctx.stdout.write(renderDiagnosis(report));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
