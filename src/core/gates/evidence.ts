/**
 * The record of one gate run: what ran, on which tree, what it printed (as artifacts with
 * digests) and how it ended. Written to `result.json`, cached, and copied into proof.json.
 * Field names are snake_case because this is an on-disk and `--json` format (docs/gates.md).
 */
export interface GateEvidence {
  /** Evidence format version. */
  version: 1;
  run_id: string;
  name: string;
  command: string;
  /** Relative to the repository root. */
  cwd: string;
  tree_sha: string;
  required: boolean;
  outcome: GateOutcome;
  passed: boolean;
  /** Null when the child was killed by a signal or never started. */
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  timeout_ms: number;
  timed_out: boolean;
  canceled: boolean;
  cancel_reason?: string;
  /** Set when the command could not be started (e.g. the cwd does not exist). */
  spawn_error?: { code: string; message: string };
  /**
   * Why the environment, not the code under test, failed (outcome `infra_error` or `breaker_open`),
   * in a sentence; null otherwise. Named as in proof.json's gate records.
   */
  infra_error: string | null;
  /** Set when the circuit breaker refused to run the gate. */
  breaker?: { state: string; reason: string; retry_at?: string };
  stdout: ArtifactRef;
  stderr: ArtifactRef;
  /** `result.json`, relative to the repository root. */
  result_path: string;
  started_at: string;
  finished_at: string;
  /** True when this evidence was returned from the cache instead of a new run. */
  cached: boolean;
  /** The cache key the outcome was (or would be) stored under. */
  cache_key: string;
}

/** A file written for a gate run; `sha256` is over exactly the bytes in the file. */
export interface ArtifactRef {
  /** Relative to the repository root. */
  path: string;
  sha256: string;
  /** Bytes in the file (after the cap and redaction). */
  bytes: number;
  /** Bytes the command wrote to the stream. */
  original_bytes: number;
  /** The middle was dropped to respect the output cap (head and tail kept). */
  truncated: boolean;
}

/**
 * - `passed` / `failed`: the command ran to an exit status (0 / non-zero other than 126, 127).
 * - `infra_error`: the environment failed, not the code under test: not found (127), not
 *   executable (126), could not start, or killed by a signal nobody sent.
 * - `timed_out`, `canceled`: stopped by omk.
 * - `breaker_open`: not run; the circuit breaker refused.
 */
export type GateOutcome = 'passed' | 'failed' | 'infra_error' | 'timed_out' | 'canceled' | 'breaker_open';

/** What a finished process looked like, in the terms classification needs. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  canceled: boolean;
  spawnError?: { code: string; message: string } | undefined;
}

export function classifyOutcome(end: ProcessEnd): GateOutcome {
  if (end.canceled) return 'canceled';
  if (end.timedOut) return 'timed_out';
  if (end.spawnError !== undefined) return 'infra_error';
  if (end.exitCode === 0) return 'passed';
  if (end.exitCode === 126 || end.exitCode === 127) return 'infra_error';
  if (end.exitCode === null) return 'infra_error'; // killed by a signal omk did not send (OOM killer, …)
  return 'failed';
}

/**
 * Outcomes that are a property of the tree and the command, so re-running an unchanged tree would
 * give the same answer. Timeouts, cancellations and environment failures are not: the machine may
 * be faster, or the tool installed, next time.
 */
export function isCacheable(outcome: GateOutcome): boolean {
  return outcome === 'passed' || outcome === 'failed';
}

export interface GateSetSummary {
  /** Every required gate passed (and at least one gate ran). */
  passed: boolean;
  total: number;
  passed_count: number;
  failed: string[];
  /** Failed gates that are not required: reported, never blocking. */
  optional_failed: string[];
  cached: number;
}

/** The verdict over a set of runs: every required gate passed. An empty set does not pass. */
export function summariseGateRuns(runs: readonly GateEvidence[]): GateSetSummary {
  const failed = runs.filter((r) => !r.passed && r.required).map((r) => r.name);
  return {
    passed: runs.length > 0 && failed.length === 0,
    total: runs.length,
    passed_count: runs.filter((r) => r.passed).length,
    failed,
    optional_failed: runs.filter((r) => !r.passed && !r.required).map((r) => r.name),
    cached: runs.filter((r) => r.cached).length,
  };
}

/** One line for humans: `PASS test 1.2s (cached)`, `FAIL lint exit 1 0.3s`, `FAIL e2e timed out after 600s`. */
export function describeRun(run: GateEvidence): string {
  const status = run.passed ? 'PASS' : run.required ? 'FAIL' : 'fail';
  return `${status} ${run.name} ${describeOutcome(run)}${run.cached ? ' (cached)' : ''}${run.required ? '' : ' [optional]'}`;
}

/** How the run ended, e.g. `exit 1 0.3s`, `timed out after 600s`, `exit 127 (command not found) 0.0s`. */
export function describeOutcome(run: GateEvidence): string {
  const seconds = `${(run.duration_ms / 1000).toFixed(1)}s`;
  switch (run.outcome) {
    case 'passed':
      return seconds;
    case 'failed':
      return `exit ${run.exit_code} ${seconds}`;
    case 'timed_out':
      return `timed out after ${Math.round(run.timeout_ms / 1000)}s`;
    case 'canceled':
      return `canceled${run.cancel_reason ? ` (${run.cancel_reason})` : ''}`;
    case 'infra_error':
      return run.spawn_error
        ? `could not start: ${run.spawn_error.message}`
        : run.exit_code === null
          ? `killed by ${run.signal ?? 'a signal'} ${seconds}`
          : `exit ${run.exit_code} (${run.exit_code === 127 ? 'command not found' : 'not executable'}) ${seconds}`;
    case 'breaker_open':
      return `not run: ${run.breaker?.reason ?? 'circuit breaker open'}`;
  }
}
