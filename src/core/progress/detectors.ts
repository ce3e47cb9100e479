import type { AttemptRecord, Finding } from './types.js';
import { messages } from './wording.js';

/**
 * The four detectors. Each looks at one task's attempts, in order, whose latest attempt did not
 * pass, and asks about the *trailing* attempts: a task that stalled earlier and then moved on is not
 * stalled now.
 */

const gateRuns = (attempts: readonly AttemptRecord[]): AttemptRecord[] => attempts.filter((a) => a.failing_gates !== null);
const failCount = (a: AttemptRecord): number => new Set(a.failing_gates!.map((g) => g.gate)).size;

/**
 * The same (gate, signature) failing on `threshold` consecutive gate-running attempts. An attempt
 * that fails fewer gates than the gate-running attempt before it is progress: every streak restarts
 * there. Attempts where no gates ran (`failing_gates: null`) neither extend nor break a streak.
 */
export function repeatedFailure(task: string, attempts: readonly AttemptRecord[], threshold: number): Finding[] {
  const runs = gateRuns(attempts);
  const last = runs.at(-1);
  if (!last) return [];
  // Where the current "no progress" stretch begins.
  let start = runs.length - 1;
  while (start > 0 && failCount(runs[start]!) >= failCount(runs[start - 1]!)) start--;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const g of last.failing_gates!) {
    const key = `${g.gate}\u0000${g.signature}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const streak: AttemptRecord[] = [];
    for (let i = runs.length - 1; i >= start; i--) {
      const run = runs[i]!;
      if (!run.failing_gates!.some((x) => x.gate === g.gate && x.signature === g.signature)) break;
      streak.unshift(run);
    }
    if (streak.length < threshold) continue;
    const numbers = streak.map((a) => a.attempt);
    findings.push({
      kind: 'repeated_failure',
      task_id: task,
      attempts: numbers,
      message: messages.repeatedFailure(task, g.gate, numbers, g.signature),
      evidence: { gate: g.gate, signature: g.signature, streak: streak.length, threshold },
    });
  }
  return findings;
}

/** The last `threshold` attempts all changed nothing. */
export function emptyDiffs(task: string, attempts: readonly AttemptRecord[], threshold: number): Finding[] {
  const trailing: AttemptRecord[] = [];
  for (let i = attempts.length - 1; i >= 0 && attempts[i]!.diff_fingerprint === null; i--) trailing.unshift(attempts[i]!);
  if (trailing.length < threshold) return [];
  const numbers = trailing.map((a) => a.attempt);
  return [
    {
      kind: 'empty_diffs',
      task_id: task,
      attempts: numbers,
      message: messages.emptyDiffs(task, numbers),
      evidence: { streak: trailing.length, threshold, exit_codes: trailing.map((a) => a.exit_code ?? null) },
    },
  ];
}

interface UndoEvidence {
  /** The attempts involved, oldest first (the latest is the one that undid). */
  attempts: number[];
  message: string;
  evidence: Record<string, unknown>;
}

/**
 * Did attempt `k` (an index into `attempts`) undo earlier work? In order of preference:
 * its tree equals an earlier state (the task's starting tree, or the tree after an attempt other
 * than the one just before); its diff is the inverse of an earlier attempt's diff; it re-applies a
 * hunk that an attempt in between had undone. Attempts that changed nothing never count.
 */
export function undoneBy(task: string, attempts: readonly AttemptRecord[], k: number): UndoEvidence | undefined {
  const a = attempts[k]!;
  if (a.diff_fingerprint === null) return undefined;

  if (a.tree_after !== undefined && a.tree_after !== a.tree_before) {
    const start = attempts[0]?.tree_before;
    if (start !== undefined && start === a.tree_after) {
      return {
        attempts: attempts.slice(0, k + 1).map((x) => x.attempt),
        message: messages.treeReturned(task, a.attempt, 'start', a.tree_after),
        evidence: { cause: 'tree', tree: a.tree_after, returned_to: 'start' },
      };
    }
    for (let j = k - 2; j >= 0; j--) {
      const earlier = attempts[j]!;
      if (earlier.tree_after !== undefined && earlier.tree_after === a.tree_after) {
        return {
          attempts: attempts.slice(j, k + 1).map((x) => x.attempt),
          message: messages.treeReturned(task, a.attempt, earlier.attempt, a.tree_after),
          evidence: { cause: 'tree', tree: a.tree_after, returned_to: earlier.attempt },
        };
      }
    }
  }

  for (let j = k - 1; j >= 0; j--) {
    const earlier = attempts[j]!;
    if (earlier.diff_fingerprint === null) continue;
    const inverse = (a.inverse_fingerprint != null && a.inverse_fingerprint === earlier.diff_fingerprint) ||
      (earlier.inverse_fingerprint != null && earlier.inverse_fingerprint === a.diff_fingerprint);
    if (inverse) {
      return {
        attempts: [earlier.attempt, a.attempt],
        message: messages.reverted(task, a.attempt, earlier.attempt),
        evidence: { cause: 'revert', reverted: earlier.attempt, diff_fingerprint: a.diff_fingerprint },
      };
    }
  }

  for (const file of a.changed_files ?? []) {
    for (const hunk of file.hunks) {
      const found = reapplied(attempts, k, hunk.fingerprint, hunk.inverse);
      if (found) {
        return {
          attempts: [attempts[found.first]!.attempt, attempts[found.undone]!.attempt, a.attempt],
          message: messages.reapplied(task, a.attempt, file.path, attempts[found.undone]!.attempt, attempts[found.first]!.attempt),
          evidence: { cause: 'hunk', path: file.path, hunk: hunk.fingerprint },
        };
      }
    }
  }
  return undefined;
}

/** An earlier attempt `first` made hunk `fp`, and an attempt `undone` between it and `k` undid it. */
function reapplied(attempts: readonly AttemptRecord[], k: number, fp: string, inverse: string | undefined): { first: number; undone: number } | undefined {
  for (let undone = k - 1; undone >= 1; undone--) {
    const undoes = hunksOf(attempts[undone]!).some((h) => (inverse !== undefined && h.fingerprint === inverse) || h.inverse === fp);
    if (!undoes) continue;
    for (let first = undone - 1; first >= 0; first--) {
      if (hunksOf(attempts[first]!).some((h) => h.fingerprint === fp)) return { first, undone };
    }
  }
  return undefined;
}

function hunksOf(a: AttemptRecord): Array<{ fingerprint: string; inverse?: string }> {
  return (a.changed_files ?? []).flatMap((f) => f.hunks);
}

/** The latest attempt undid earlier work, and at least `threshold` of the task's attempts did. */
export function oscillation(task: string, attempts: readonly AttemptRecord[], threshold: number): Finding[] {
  const latest = undoneBy(task, attempts, attempts.length - 1);
  if (!latest) return [];
  let count = 0;
  for (let k = 0; k < attempts.length; k++) if (undoneBy(task, attempts, k)) count++;
  if (count < threshold) return [];
  return [{ kind: 'oscillation', task_id: task, attempts: latest.attempts, message: latest.message, evidence: { ...latest.evidence, oscillations: count, threshold } }];
}

/**
 * Over the last `window` gate-running attempts, none after the first failed fewer gates than the
 * first did. Skipped when the first failed none (nothing left to improve on gates).
 */
export function noImprovement(task: string, attempts: readonly AttemptRecord[], window: number): Finding[] {
  const runs = gateRuns(attempts).slice(-window);
  if (runs.length < window) return [];
  const counts = runs.map(failCount);
  const first = counts[0]!;
  if (first === 0 || Math.min(...counts.slice(1)) < first) return [];
  const numbers = runs.map((a) => a.attempt);
  return [
    {
      kind: 'no_improvement',
      task_id: task,
      attempts: numbers,
      message: messages.noImprovement(task, numbers, counts),
      evidence: { failing_gate_counts: counts, window },
    },
  ];
}
