import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { detectNoProgress, progressThresholdsFromConfig, type AttemptRecord, type Finding, type ProgressReport } from '../../core/progress/index.js';
import { attemptHistory, loadAttemptPatches, loadDiagnosedRuns, type PendingAttempt } from '../goal-diagnose/index.js';
import type { GoalScope } from './context.js';

export type { PendingAttempt } from '../goal-diagnose/index.js';

/**
 * The goal's attempt history for no-progress detection (docs/no-progress.md), from its event log: diffs
 * fingerprinted from artifacts/diffs/, trees from the attempts, failing gates signed from the recorded
 * gate outputs the way `omk goal diagnose` signs them.
 */
export async function progressHistory(scope: GoalScope, pending?: PendingAttempt): Promise<AttemptRecord[]> {
  const events = await scope.rt.store.readEvents(scope.goalId);
  const log = foldGoalLog(events);
  const runs = await loadDiagnosedRuns(scope.dir.root, events, scope.rt.repoRoot);
  return attemptHistory(log, runs, await loadAttemptPatches(scope.dir.root, log, pending), pending);
}

/**
 * The findings about one task once `pending` is counted, or undefined when it is still progressing.
 * Thresholds come from `[goal.no_progress]` in config.
 */
export async function detectTaskStall(scope: GoalScope, pending: PendingAttempt): Promise<{ report: ProgressReport; findings: Finding[] } | undefined> {
  const report = detectNoProgress(await progressHistory(scope, pending), progressThresholdsFromConfig(scope.rt.config.goal.no_progress));
  const findings = report.findings.filter((f) => f.task_id === pending.task_id);
  return findings.length > 0 ? { report, findings } : undefined;
}
