import type { AcceptanceEntry } from './acceptance.js';
import type { TestsEvidence } from './test-evidence.js';

/**
 * Everything the verdict may look at. The verdict (verdict.ts) is a pure function of this
 * record and nothing else, and proof.json carries it whole, so `omk goal proof --verify` can
 * recompute the verdict offline (docs/proof-format.md).
 *
 * Field names are snake_case because they are written to proof.json as they are.
 */

export { VERDICT_STATUSES, type VerdictStatus } from '../goal/status.js';

/** The review wall's six sections, in the order they are shown. */
export const REVIEW_SECTIONS = ['architect', 'code', 'tests', 'security', 'performance', 'anti_slop'] as const;
export type ReviewSectionName = (typeof REVIEW_SECTIONS)[number];

export const REVIEW_STATUSES = ['pass', 'warn', 'fail', 'not_run'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const TASK_STATUSES = ['pending', 'running', 'done', 'failed', 'blocked', 'cancelled', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * `bisect`: runs on prefixes of the merged slices, narrowing a combined failure (evidence only; the verdict reads
 * `integration`). `red_green`: the test gates on the base code with the change's test files applied (test evidence).
 */
export const GATE_SCOPES = ['baseline', 'task', 'integration', 'bisect', 'red_green'] as const;
/** Where a gate ran: on the base commit, in a task's worktree, on the integrated tree, or in a scratch worktree. */
export type GateScope = (typeof GATE_SCOPES)[number];

/** A file under the goal directory and the sha256 (hex) of its bytes. */
export interface ArtifactRef {
  /** Relative to the goal directory, `/`-separated, never `..` or absolute. */
  path: string;
  sha256: string;
}

export interface GoalEvidence {
  id: string;
  /** The request, verbatim (redacted in proof.json). */
  request: string;
  /**
   * The controller's lifecycle status when the evidence was collected (`running`, `paused`,
   * `cancelled`, `failed_infra`, …). Only `cancelled` and `failed_infra` bear on the verdict.
   */
  lifecycle: string;
  /** Why the goal is in that state (cancel reason, infra failure), when one was recorded. */
  reason: string | null;
}

export interface CommitRef {
  ref: string;
  sha: string;
}

/** The integration commit the verdict is about, and its tree. */
export interface HeadEvidence {
  sha: string;
  /** `git rev-parse <sha>^{tree}`: gates on the integrated tree must have run on exactly this tree. */
  tree: string;
}

export interface OracleEvidence {
  /** The goal type the oracle was picked for (feature, bugfix, …), informational. */
  kind: string;
  /** Gate names that decide "done". Each must pass on the head's tree. */
  gates: string[];
}

/** One execution of one gate (the same record is written to artifacts/gates/<run-id>/result.json). */
export interface GateRun {
  run_id: string;
  name: string;
  scope: GateScope;
  /** The task whose worktree it ran in (scope `task`), else null. */
  task_id: string | null;
  command: string;
  cwd: string;
  /** The git tree the gate ran on (worktree state at the start of the run). */
  tree_sha: string;
  /** Null when the process did not exit normally (signal, spawn failure). */
  exit_code: number | null;
  duration_ms: number;
  timed_out: boolean;
  /** The runner's judgement; the verdict also insists on exit 0, no timeout and no infra error. */
  passed: boolean;
  /** A failure here blocks readiness (integration: also when not in the oracle). */
  required: boolean;
  /** The runner could not run the gate at all (spawn failure, missing cwd): an omk/infra problem. */
  infra_error: string | null;
  stdout: ArtifactRef;
  stderr: ArtifactRef;
  /** artifacts/gates/<run-id>/result.json, relative to the goal directory. */
  result_path: string;
  /**
   * Set when the goal did not run the gate again on this tree: the run_id of its own earlier run of
   * the same command, cwd and environment on the same tree, whose outputs (and digests) this record
   * carries (docs/gates.md "Reuse within a goal").
   */
  reused_from?: string;
}

export interface TaskEvidence {
  id: string;
  title: string;
  status: TaskStatus;
  attempts: number;
  /** The commit the task ended with; null when it committed nothing. */
  commit: string | null;
  /** The tree its gates must have run on (the commit's tree); null when unknown. */
  tree_sha: string | null;
  changed_files: string[];
  /** Optional tasks (follow-ups marked optional) do not block readiness. */
  required: boolean;
  /** Why no-progress detection stopped the task (docs/no-progress.md), one finding a line; absent when it did not. */
  stalled?: string[];
  /**
   * Why a task whose attempt passed does not count as done (its status is then `blocked`), one reason
   * a line — e.g. its commit is not in the integrated head; absent when nothing holds it back.
   */
  blocked_by?: string[];
}

export interface ReviewSection {
  status: ReviewStatus;
  required: boolean;
  /** The head commit whose diff was reviewed; null when the section did not run. */
  reviewed_sha: string | null;
  evidence: string[];
  risks: string[];
  gaps: string[];
}

export type ReviewWall = Record<ReviewSectionName, ReviewSection>;

export interface BudgetAmounts {
  time_ms: number | null;
  tokens: number | null;
  usd: number | null;
}

export interface BudgetEvidence {
  /** Null members have no limit. */
  limits: BudgetAmounts;
  used: { time_ms: number; tokens: number; usd: number };
  /** Estimated cost reserved by workers still running. */
  reserved: { time_ms: number; tokens: number; usd: number };
  /** Set by the ledger when a check found the budget exhausted. */
  exceeded: { time: boolean; tokens: boolean; usd: boolean };
  /** Only when the goal has per-task limits: each task that spent (or was stopped by its own limit). */
  per_task?: TaskBudgetEvidence[];
}

/** One task against the per-task limits (null members are unlimited). */
export interface TaskBudgetEvidence {
  task_id: string;
  limits: { tokens: number | null; usd: number | null };
  used: { tokens: number; usd: number };
  /** Over the limit, or flagged when a check stopped the task at it. */
  exceeded: { tokens: boolean; usd: boolean };
}

export interface PendingQuestion {
  id: string;
  question: string;
}

/** `omk goal accept` / `omk goal reject`, in the order recorded. */
export interface HumanDecision {
  kind: 'accept' | 'reject';
  /** Who decided, as recorded (user name or "cli"). */
  by: string;
  at: string;
  /** The accept summary or the reject reason. */
  text: string;
}

export interface HumanEvidence {
  questions: PendingQuestion[];
  decisions: HumanDecision[];
}

export interface ExternalBlocker {
  kind: 'credentials' | 'network' | 'service' | 'other';
  description: string;
}

export interface InfraFailure {
  /** What failed (e.g. `gate-runner`, `git`, `store`, `event-log`). */
  component: string;
  message: string;
}

export interface EventsEvidence {
  /** Events in the chain when the evidence was collected. */
  count: number;
  /** The hash of event `count`; null when there are none. */
  head: string | null;
}

export interface Evidence {
  goal: GoalEvidence;
  base: CommitRef;
  head: HeadEvidence | null;
  oracle: OracleEvidence;
  /** Every gate run, in the order recorded (a later run of the same gate on the same tree wins). */
  gates: GateRun[];
  tasks: TaskEvidence[];
  reviews: ReviewWall;
  budget: BudgetEvidence;
  human: HumanEvidence;
  external_blockers: ExternalBlocker[];
  infra_failures: InfraFailure[];
  events: EventsEvidence;
  artifacts: ArtifactRef[];
  /** Files changed between base and head. */
  changed_files: string[];
  /** Commits between base and head, oldest first. */
  commits: string[];
  /**
   * Proof version 2 on: what the tests said before and after the change, and the test-tamper findings
   * (test-evidence.ts). Absent in version 1 proofs, whose verdict never read it.
   */
  tests?: TestsEvidence;
  /** Proof version 2 on: each task's acceptance criteria with their evidence (acceptance.ts). */
  acceptance?: AcceptanceEntry[];
  /** Proof version 2 on: the review wall record the reviews, tamper findings and reviewer answers come from (goal-relative), or null. */
  review_record?: string | null;
}

/** A section that did not run (the starting point before the review wall has looked). */
export function notRunSection(required: boolean): ReviewSection {
  return { status: 'not_run', required, reviewed_sha: null, evidence: [], risks: [], gaps: [] };
}
