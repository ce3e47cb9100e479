/** `omk goal diagnose --json` (docs/goals.md, "Human decisions and diagnosis"). */

/** One goal-scoped gate run, as the diagnosis sees it. */
export interface DiagnosedRun {
  run_id: string;
  gate: string;
  scope: 'baseline' | 'task' | 'integration' | 'bisect' | 'red_green';
  task_id: string | null;
  tree_sha: string;
  passed: boolean;
  exit_code: number | null;
  timed_out: boolean;
  duration_ms: number | null;
  /** Null when the run passed or its record could not be read. */
  signature: string | null;
  excerpt: string | null;
}

export interface DiagnosedAttempt {
  attempt: number;
  round: number;
  outcome: string;
  commit: string | null;
  tree_sha: string | null;
  changed_files: string[];
  rejected_files: string[];
  /** Nothing in the write set changed (no diff against the base). */
  empty_diff: boolean;
  /** The earlier attempt whose tree this one reproduces exactly, if any. */
  same_tree_as: number | null;
  /** A → B → A: the tree went back to an earlier attempt's (or the base's) after a different one. */
  reverted_to: number | 'base' | null;
  gates: Array<{ gate: string; run_id: string; passed: boolean; exit_code: number | null; signature: string | null; excerpt: string | null }>;
  failing_signatures: string[];
}

export interface RepeatedSignature {
  gate: string;
  signature: string;
  excerpt: string | null;
  /** Attempt numbers (this task) that failed with it. */
  attempts: number[];
  /** The same signature was already there on the base commit. */
  on_baseline: boolean;
}

export interface StuckReason {
  kind:
    | 'repeated_failure'
    | 'empty_diffs'
    | 'same_tree'
    | 'reverted_edits'
    | 'pre_existing_failure'
    | 'scope_violations'
    | 'engine_failures'
    | 'integration_only_failure'
    | 'rounds_without_change';
  task_id: string | null;
  text: string;
}

export interface DiagnosedTask {
  id: string;
  title: string | null;
  result: 'done' | 'failed' | 'open';
  max_retries: number | null;
  attempts: DiagnosedAttempt[];
  repeated_signatures: RepeatedSignature[];
  empty_diffs: number;
  reverted_edits: number;
  stuck_reasons: StuckReason[];
}

export interface GateHistory {
  gate: string;
  baseline: DiagnosedRun[];
  task: DiagnosedRun[];
  integration: DiagnosedRun[];
}

/**
 * The goal loop's no-progress detector (docs/no-progress.md) over the goal's attempts, with the
 * thresholds from `[goal.no_progress]`: what the loop would conclude now.
 */
export interface NoProgressSection {
  thresholds: { repeated_failure: number; empty_diffs: number; oscillations: number; no_improvement_window: number };
  stalled: boolean;
  findings: Array<{ kind: string; task_id: string; attempts: number[]; message: string }>;
  diagnosis: string;
}

export type DiagnosisVerdict = 'no_attempts' | 'progressing' | 'stuck' | 'looping' | 'done';

export interface DiagnoseReport {
  goal_id: string;
  status: string;
  round: number;
  events: number;
  verdict: DiagnosisVerdict;
  tasks: DiagnosedTask[];
  gates: GateHistory[];
  stuck_reasons: StuckReason[];
  no_progress: NoProgressSection;
  /** Plain language, one paragraph. */
  diagnosis: string;
  next_steps: string[];
}
