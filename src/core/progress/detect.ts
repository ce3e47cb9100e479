import { OmkError } from '../errors.js';
import { emptyDiffs, noImprovement, oscillation, repeatedFailure } from './detectors.js';
import { DEFAULT_PROGRESS_THRESHOLDS, PROGRESS_THRESHOLD_MINIMUMS, type AttemptRecord, type Finding, type ProgressReport, type ProgressThresholds } from './types.js';
import { diagnosisText, kindRank } from './wording.js';

/**
 * No-progress detection over a goal's attempts (docs/no-progress.md). Pure and deterministic: the
 * same history gives the same report, byte for byte. Attempts are grouped by task, keeping their
 * order; a task whose latest attempt passed has no findings. Findings are ordered by task (first
 * seen first), then kind (repeated_failure, empty_diffs, oscillation, no_improvement).
 */
export function detectNoProgress(history: readonly AttemptRecord[], thresholds: Partial<ProgressThresholds> = {}): ProgressReport {
  const t = resolveProgressThresholds(thresholds);
  const byTask = new Map<string, AttemptRecord[]>();
  for (const a of history) {
    const list = byTask.get(a.task_id);
    if (list) list.push(a);
    else byTask.set(a.task_id, [a]);
  }
  const findings: Finding[] = [];
  for (const [task, attempts] of byTask) {
    if (attempts.at(-1)!.passed) continue;
    const found = [
      ...repeatedFailure(task, attempts, t.repeatedFailure),
      ...emptyDiffs(task, attempts, t.emptyDiffs),
      ...oscillation(task, attempts, t.oscillations),
      ...noImprovement(task, attempts, t.noImprovementWindow),
    ];
    found.sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
    findings.push(...found);
  }
  return { stalled: findings.length > 0, findings, diagnosis: diagnosisText(findings, history.length, byTask.size) };
}

const MINIMUMS = PROGRESS_THRESHOLD_MINIMUMS;

/**
 * Fills in defaults and validates: whole numbers, at least 2 for `repeatedFailure` and
 * `noImprovementWindow` (one attempt is not a repetition or a trend), at least 1 for the others.
 */
export function resolveProgressThresholds(partial: Partial<ProgressThresholds> = {}): ProgressThresholds {
  const out = { ...DEFAULT_PROGRESS_THRESHOLDS, ...stripUndefined(partial) };
  for (const key of Object.keys(MINIMUMS) as Array<keyof ProgressThresholds>) {
    const value = out[key];
    if (!Number.isSafeInteger(value) || value < MINIMUMS[key]) {
      throw new OmkError('config_invalid', `no-progress threshold ${key}: expected a whole number ≥ ${MINIMUMS[key]}, got ${String(value)}`);
    }
  }
  return out;
}

function stripUndefined(p: Partial<ProgressThresholds>): Partial<ProgressThresholds> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}
