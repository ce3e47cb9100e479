import { summariseGateRuns, type GateEvidence, type GateSetSummary } from '../../core/gates/evidence.js';
import type { GateSpec } from '../../core/gates/spec.js';
import { runGate, type RunGateOptions } from './run-gate.js';

export interface GateSetRun {
  runs: GateEvidence[];
  summary: GateSetSummary;
  /** Gates not started because the run was cancelled first. */
  skipped: string[];
}

/**
 * Runs gates one after another on the same tree (they often share build output, and two cores
 * are easily saturated by one test suite). After a cancellation the remaining gates are skipped.
 * `onRun` sees each evidence as soon as it exists (for live output).
 */
export async function runGates(
  specs: readonly GateSpec[],
  options: RunGateOptions,
  onRun?: (evidence: GateEvidence) => void,
): Promise<GateSetRun> {
  const runs: GateEvidence[] = [];
  const skipped: string[] = [];
  for (const spec of specs) {
    if (options.signal?.aborted) {
      skipped.push(spec.name);
      continue;
    }
    const evidence = await runGate(spec, options);
    runs.push(evidence);
    onRun?.(evidence);
  }
  return { runs, summary: summariseGateRuns(runs), skipped };
}
