import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EventPayload } from '../../core/events/catalogue.js';
import type { GoalLog } from '../../core/goal/controller/goal-log.js';
import { fingerprintDiff, type AttemptRecord } from '../../core/progress/index.js';
import type { DiagnosedRun } from './report.js';

/** An attempt that finished but is not in the log yet (the controller records it together with the verdict on it). */
export type PendingAttempt = EventPayload<'task.attempt_finished'>;

/** `artifacts/diffs/<task>-<attempt>.patch`: the diff execute-task writes for an attempt that changed files. */
export function patchKey(taskId: string, attempt: number): string {
  return `${taskId}-${attempt}`;
}

/**
 * The goal's attempt history for no-progress detection (docs/no-progress.md): per task, in order,
 * each attempt's diff fingerprint (from its patch), the trees before and after it, and its failing
 * gates signed the way `omk goal diagnose` signs them. Pure: the patches are read by `loadAttemptPatches`.
 */
export function attemptHistory(
  log: GoalLog,
  runs: ReadonlyMap<string, DiagnosedRun>,
  patches: ReadonlyMap<string, string>,
  pending?: PendingAttempt,
): AttemptRecord[] {
  const baseTree = log.baseline?.tree_sha;
  const byTask = new Map<string, PendingAttempt[]>([...log.tasks.values()].map((t) => [t.id, [...t.attempts]]));
  if (pending) byTask.set(pending.task_id, [...(byTask.get(pending.task_id) ?? []), pending]);
  const history: AttemptRecord[] = [];
  for (const [taskId, attempts] of byTask) {
    let before = baseTree;
    for (const a of attempts) {
      const empty = a.changed_files.length === 0 && a.rejected_files.length === 0;
      const patch = empty ? undefined : patches.get(patchKey(taskId, a.attempt));
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

/** The patches of every attempt (and `pending`) that changed files, keyed by `patchKey`; a missing patch is left out. */
export async function loadAttemptPatches(goalDir: string, log: GoalLog, pending?: PendingAttempt): Promise<Map<string, string>> {
  const patches = new Map<string, string>();
  const attempts = [...[...log.tasks.values()].flatMap((t) => t.attempts), ...(pending ? [pending] : [])];
  for (const a of attempts) {
    if (a.changed_files.length === 0 && a.rejected_files.length === 0) continue;
    const key = patchKey(a.task_id, a.attempt);
    try {
      patches.set(key, await readFile(path.join(goalDir, 'artifacts', 'diffs', `${key}.patch`), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return patches;
}
