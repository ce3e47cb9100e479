import path from 'node:path';
import type { EventPayload } from '../../core/events/catalogue.js';
import { foldGoalLog, type AttemptFacts } from '../../core/goal/controller/goal-log.js';
import { detectNoProgress, fingerprintDiff, type AttemptRecord, type Finding, type ProgressReport } from '../../core/progress/index.js';
import { loadDiagnosedRuns } from '../goal-diagnose/index.js';
import type { GoalScope } from './context.js';
import { readTextIfExists } from './goal-dir.js';

/** The attempt just finished, not yet in the log (its `task.attempt_finished` is written with the verdict on it). */
export type PendingAttempt = EventPayload<'task.attempt_finished'>;

/**
 * The goal's attempt history for no-progress detection (docs/no-progress.md), from its event log: diffs
 * fingerprinted from artifacts/diffs/, trees from the attempts, failing gates signed from the recorded
 * gate outputs the way `omk goal diagnose` signs them.
 */
export async function progressHistory(scope: GoalScope, pending?: PendingAttempt): Promise<AttemptRecord[]> {
  const events = await scope.rt.store.readEvents(scope.goalId);
  const log = foldGoalLog(events);
  const runs = await loadDiagnosedRuns(scope.dir.root, events, scope.rt.repoRoot);
  const baseTree = log.baseline?.tree_sha;
  const byTask = new Map<string, PendingAttempt[]>([...log.tasks.values()].map((t) => [t.id, [...t.attempts] as AttemptFacts[]]));
  if (pending) byTask.set(pending.task_id, [...(byTask.get(pending.task_id) ?? []), pending]);
  const history: AttemptRecord[] = [];
  for (const [taskId, attempts] of byTask) {
    let before = baseTree;
    for (const a of attempts) {
      const empty = a.changed_files.length === 0 && a.rejected_files.length === 0;
      const patch = empty ? undefined : await readTextIfExists(path.join(scope.dir.diffs, `${taskId}-${a.attempt}.patch`));
      const fp = patch === undefined ? undefined : fingerprintDiff(patch);
      const after = a.tree_sha ?? before;
      const failing = a.gate_runs.flatMap((id) => {
        const r = runs.get(id);
        return r && !r.passed ? [{ gate: r.gate, signature: r.signature ?? `${r.gate}#unsigned` }] : [];
      });
      history.push({
        task_id: taskId,
        attempt: a.attempt,
        passed: a.outcome === 'passed',
        diff_fingerprint: empty ? null : (fp?.fingerprint ?? `files:${[...a.changed_files, ...a.rejected_files].join(',')}`),
        ...(fp ? { inverse_fingerprint: fp.inverse, changed_files: fp.files } : {}),
        ...(before !== undefined ? { tree_before: before } : {}),
        ...(after !== undefined ? { tree_after: after } : {}),
        failing_gates: a.gate_runs.length === 0 ? null : failing,
      });
      before = after;
    }
  }
  return history;
}

/** The findings about one task once `pending` is counted, or undefined when it is still progressing. */
export async function detectTaskStall(scope: GoalScope, pending: PendingAttempt): Promise<{ report: ProgressReport; findings: Finding[] } | undefined> {
  const report = detectNoProgress(await progressHistory(scope, pending));
  const findings = report.findings.filter((f) => f.task_id === pending.task_id);
  return findings.length > 0 ? { report, findings } : undefined;
}
