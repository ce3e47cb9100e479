/**
 * The input to no-progress detection: a goal's attempts, in the order they ran. The caller (the
 * controller) computes the fingerprints — `fingerprintDiff` and `failureSignature` here make them
 * consistent — and passes what git says about trees. Everything is optional except what identifies
 * the attempt and whether it passed, so a detector only fires on evidence it was given.
 */

/** A hunk of a diff: `fingerprint` of its change, `inverse` of the change undone (see `fingerprintDiff`). */
export interface HunkFingerprint {
  fingerprint: string;
  inverse?: string;
}

export interface ChangedFile {
  path: string;
  hunks: HunkFingerprint[];
}

export interface FailingGate {
  gate: string;
  /** `failureSignature(output tail)`: equal for "the same failure" across runs. */
  signature: string;
}

export interface AttemptRecord {
  task_id: string;
  /** 1-based, per task. */
  attempt: number;
  /** The attempt was accepted (its gates passed). A passing latest attempt is never stalled. */
  passed: boolean;
  /** Fingerprint of the attempt's normalised diff; null when the attempt changed nothing. */
  diff_fingerprint: string | null;
  /** Fingerprint of the same diff reversed (what undoing it would look like). */
  inverse_fingerprint?: string | null;
  /** The worktree's tree before and after the attempt (git tree shas). */
  tree_before?: string;
  tree_after?: string;
  changed_files?: ChangedFile[];
  /** The gates that failed on this attempt; null when no gates ran (e.g. the agent changed nothing). */
  failing_gates: FailingGate[] | null;
  /** The agent's exit code (or null when it did not exit by itself); shown as evidence only. */
  exit_code?: number | null;
}

export type FindingKind = 'repeated_failure' | 'empty_diffs' | 'oscillation' | 'no_improvement';

export interface Finding {
  kind: FindingKind;
  task_id: string;
  /** The attempt numbers the finding is about, oldest first. */
  attempts: number[];
  /** One line, stable wording (docs/no-progress.md): what `omk goal diagnose` prints and the proof's gap. */
  message: string;
  /** The data behind the message (plain JSON). */
  evidence: Record<string, unknown>;
}

export interface ProgressReport {
  /** True when any task has a finding. */
  stalled: boolean;
  findings: Finding[];
  /** A paragraph for `omk goal diagnose` (docs/no-progress.md, "Wording"). */
  diagnosis: string;
}

/** Detection thresholds. Defaults in `DEFAULT_PROGRESS_THRESHOLDS`. */
export interface ProgressThresholds {
  /** The same (gate, signature) failing on this many consecutive attempts of a task. @default 3 */
  repeatedFailure: number;
  /** This many consecutive attempts of a task that changed nothing. @default 2 */
  emptyDiffs: number;
  /** Attempts of a task that undid earlier work (the latest among them), before it counts. @default 1 */
  oscillations: number;
  /** Gate-running attempts over which the number of failing gates must go down. @default 4 */
  noImprovementWindow: number;
}

export const DEFAULT_PROGRESS_THRESHOLDS: Readonly<ProgressThresholds> = {
  repeatedFailure: 3,
  emptyDiffs: 2,
  oscillations: 1,
  noImprovementWindow: 4,
};

/**
 * The smallest sensible value of each threshold: one attempt is not a repetition or a trend, so
 * `repeatedFailure` and `noImprovementWindow` need at least 2. Config validation uses the same numbers.
 */
export const PROGRESS_THRESHOLD_MINIMUMS: Readonly<ProgressThresholds> = {
  repeatedFailure: 2,
  emptyDiffs: 1,
  oscillations: 1,
  noImprovementWindow: 2,
};
