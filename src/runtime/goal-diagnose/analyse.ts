import type { EventEnvelope } from '../../core/events/envelope.js';
import { foldGoalLog, type AttemptFacts, type GoalLog, type TaskFacts } from '../../core/goal/controller/goal-log.js';
import { detectNoProgress, resolveProgressThresholds, type ProgressThresholds } from '../../core/progress/index.js';
import type { DiagnosedAttempt, DiagnosedRun, DiagnosedTask, DiagnoseReport, GateHistory, NoProgressSection, RepeatedSignature, StuckReason } from './report.js';
import { explain } from './explain.js';
import { attemptHistory } from './history.js';

export interface DiagnoseInput {
  goalId: string;
  /** The store's status of the goal. */
  status: string;
  events: readonly EventEnvelope[];
  /** Every goal-scoped run by run id, with its signature when it failed (see loadDiagnoseInput). */
  runs: ReadonlyMap<string, DiagnosedRun>;
  /** Attempt patches by `patchKey` (see loadAttemptPatches), for the oscillation detector; without them diffs compare by file list. */
  patches?: ReadonlyMap<string, string>;
  /** `[goal.no_progress]` as configured; unset ones are the defaults. */
  thresholds?: Partial<ProgressThresholds>;
}

/**
 * The no-progress / loop report: a pure function of the event log and the gate runs, so the same
 * goal always gives the same report. Attempts, signatures and runs are in log order; lists that are
 * sets are sorted.
 */
export function diagnoseGoal(input: DiagnoseInput): DiagnoseReport {
  const log = foldGoalLog(input.events);
  const baseTree = log.baseline?.tree_sha ?? null;
  const baselineRuns = [...input.runs.values()].filter((r) => r.scope === 'baseline');
  const thresholds = resolveProgressThresholds(input.thresholds);
  const tasks = orderedTasks(log).map((t) => diagnoseTask(log, t, input.runs, baseTree, baselineRuns, thresholds));
  const gates = gateHistory(log, input.runs);
  const stuck = [...tasks.flatMap((t) => t.stuck_reasons), ...goalReasons(log, tasks, gates)];
  const attempted = tasks.some((t) => t.attempts.length > 0);
  const looping = stuck.some((r) => r.kind === 'repeated_failure' || r.kind === 'same_tree' || r.kind === 'reverted_edits' || r.kind === 'rounds_without_change');
  const verdict: DiagnoseReport['verdict'] =
    input.status === 'ready' ? 'done' : !attempted ? 'no_attempts' : looping ? 'looping' : stuck.length > 0 ? 'stuck' : 'progressing';
  const { diagnosis, next_steps } = explain({ goalId: input.goalId, status: input.status, verdict, tasks, gates, stuck, log });
  return {
    goal_id: input.goalId,
    status: input.status,
    round: log.round,
    events: log.lastSeq,
    verdict,
    tasks,
    gates,
    stuck_reasons: stuck,
    no_progress: noProgressSection(log, input, thresholds),
    diagnosis,
    next_steps,
  };
}

/** What the goal loop's own detector concludes over the same attempts, with the configured thresholds. */
function noProgressSection(log: GoalLog, input: DiagnoseInput, t: ProgressThresholds): NoProgressSection {
  const report = detectNoProgress(attemptHistory(log, input.runs, input.patches ?? new Map()), t);
  return {
    thresholds: { repeated_failure: t.repeatedFailure, empty_diffs: t.emptyDiffs, oscillations: t.oscillations, no_improvement_window: t.noImprovementWindow },
    stalled: report.stalled,
    findings: report.findings.map((f) => ({ kind: f.kind, task_id: f.task_id, attempts: f.attempts, message: f.message })),
    diagnosis: report.diagnosis,
  };
}

/** Planned tasks in plan order, then any others the log mentions, by id. */
function orderedTasks(log: GoalLog): TaskFacts[] {
  const planned = (log.plan?.tasks ?? []).map((t) => t.id);
  const rest = [...log.tasks.keys()].filter((id) => !planned.includes(id)).sort();
  return [...planned, ...rest].map((id) => log.tasks.get(id)).filter((t): t is TaskFacts => t !== undefined);
}

function diagnoseTask(
  log: GoalLog,
  t: TaskFacts,
  runs: ReadonlyMap<string, DiagnosedRun>,
  baseTree: string | null,
  baseline: DiagnosedRun[],
  thresholds: ProgressThresholds,
): DiagnosedTask {
  const planned = log.plan?.tasks.find((p) => p.id === t.id);
  const attempts: DiagnosedAttempt[] = [];
  for (const a of t.attempts) attempts.push(diagnoseAttempt(a, attempts, runs, baseTree));

  const bySignature = new Map<string, RepeatedSignature>();
  for (const a of attempts) {
    for (const g of a.gates) {
      if (g.signature === null) continue;
      const entry = bySignature.get(g.signature) ?? {
        gate: g.gate,
        signature: g.signature,
        excerpt: g.excerpt,
        attempts: [],
        on_baseline: baseline.some((b) => b.signature === g.signature),
      };
      if (!entry.attempts.includes(a.attempt)) entry.attempts.push(a.attempt);
      bySignature.set(g.signature, entry);
    }
  }
  const repeated = [...bySignature.values()].filter((r) => r.attempts.length >= 2).sort((x, y) => y.attempts.length - x.attempts.length || cmp(x.signature, y.signature));
  const emptyDiffs = attempts.filter((a) => a.empty_diff).length;
  const reverted = attempts.filter((a) => a.reverted_to !== null).length;
  const result = t.result ?? 'open';
  const reasons: StuckReason[] = [];
  const add = (kind: StuckReason['kind'], text: string) => reasons.push({ kind, task_id: t.id, text });
  if (result !== 'done') {
    for (const r of repeated) {
      add('repeated_failure', `gate \`${r.gate}\` failed with the same signature ${r.signature} in attempts ${r.attempts.join(', ')}${r.excerpt ? ` (${r.excerpt})` : ''}`);
      if (r.on_baseline) add('pre_existing_failure', `gate \`${r.gate}\` already failed this way on the base commit (signature ${r.signature})`);
    }
    if (emptyDiffs >= thresholds.emptyDiffs || (emptyDiffs > 0 && emptyDiffs === attempts.length)) {
      add('empty_diffs', `${emptyDiffs} of ${attempts.length} ${plural(attempts.length, 'attempt')} changed nothing`);
    }
    const same = attempts.filter((a) => a.same_tree_as !== null && a.reverted_to === null && !a.empty_diff);
    if (same.length > 0) add('same_tree', `${same.map((a) => `attempt ${a.attempt} reproduced attempt ${a.same_tree_as}'s tree exactly`).join('; ')}`);
    if (reverted > 0) {
      add('reverted_edits', attempts.filter((a) => a.reverted_to !== null).map((a) => `attempt ${a.attempt} went back to ${a.reverted_to === 'base' ? 'the base tree' : `attempt ${a.reverted_to}'s tree`}`).join('; '));
    }
    const scope = attempts.filter((a) => a.outcome === 'scope_violation');
    if (scope.length >= 2) add('scope_violations', `${scope.length} attempts wrote outside the write set: ${unique(scope.flatMap((a) => a.rejected_files)).join(', ')}`);
    const engine = attempts.filter((a) => a.outcome === 'engine_failed');
    if (engine.length >= 2) add('engine_failures', `the engine failed in ${engine.length} attempts`);
  }
  return {
    id: t.id,
    title: planned?.title ?? null,
    result,
    max_retries: planned?.max_retries ?? null,
    attempts,
    repeated_signatures: repeated,
    empty_diffs: emptyDiffs,
    reverted_edits: reverted,
    stuck_reasons: reasons,
  };
}

function diagnoseAttempt(a: AttemptFacts, earlier: readonly DiagnosedAttempt[], runs: ReadonlyMap<string, DiagnosedRun>, baseTree: string | null): DiagnosedAttempt {
  const tree = a.tree_sha;
  const emptyDiff = a.changed_files.length === 0 && a.rejected_files.length === 0;
  const previous = earlier.at(-1);
  const sameAs = tree === null || tree === baseTree ? undefined : earlier.find((e) => e.tree_sha === tree);
  let revertedTo: number | 'base' | null = null;
  if (tree !== null && previous?.tree_sha != null && previous.tree_sha !== tree) {
    if (sameAs) revertedTo = sameAs.attempt;
    else if (tree === baseTree && earlier.some((e) => e.tree_sha !== null && e.tree_sha !== baseTree)) revertedTo = 'base';
  }
  const gates = a.gate_runs.map((id) => {
    const r = runs.get(id);
    return { gate: r?.gate ?? '?', run_id: id, passed: r?.passed ?? false, exit_code: r?.exit_code ?? null, signature: r?.signature ?? null, excerpt: r?.excerpt ?? null };
  });
  return {
    attempt: a.attempt,
    round: a.round,
    outcome: a.outcome,
    commit: a.commit,
    tree_sha: tree,
    changed_files: a.changed_files,
    rejected_files: a.rejected_files,
    empty_diff: emptyDiff,
    same_tree_as: sameAs?.attempt ?? null,
    reverted_to: revertedTo,
    gates,
    failing_signatures: unique(gates.flatMap((g) => (g.signature === null ? [] : [g.signature]))),
  };
}

function gateHistory(log: GoalLog, runs: ReadonlyMap<string, DiagnosedRun>): GateHistory[] {
  const out = new Map<string, GateHistory>();
  for (const f of log.gateRuns) {
    const run = runs.get(f.run_id);
    if (!run) continue;
    const h = out.get(run.gate) ?? { gate: run.gate, baseline: [], task: [], integration: [] };
    // Scratch-worktree runs (bisection, red→green) are not the gate's history on the goal's own trees.
    if (run.scope !== 'bisect' && run.scope !== 'red_green') h[run.scope].push(run);
    out.set(run.gate, h);
  }
  return [...out.values()].sort((a, b) => cmp(a.gate, b.gate));
}

function goalReasons(log: GoalLog, tasks: DiagnosedTask[], gates: GateHistory[]): StuckReason[] {
  const reasons: StuckReason[] = [];
  for (const h of gates) {
    const lastIntegration = h.integration.at(-1);
    const taskRuns = h.task;
    if (lastIntegration && !lastIntegration.passed && taskRuns.length > 0 && tasks.every((t) => t.result === 'done')) {
      reasons.push({ kind: 'integration_only_failure', task_id: null, text: `gate \`${h.gate}\` passes in every task's worktree but fails on the integrated tree ${lastIntegration.tree_sha.slice(0, 12)}` });
    }
  }
  const proofs = log.proofs;
  for (let i = 1; i < proofs.length; i++) {
    const a = proofs[i - 1]!;
    const b = proofs[i]!;
    if (b.round > a.round && a.status !== 'ready' && JSON.stringify(a.gaps) === JSON.stringify(b.gaps)) {
      reasons.push({ kind: 'rounds_without_change', task_id: null, text: `rounds ${a.round} and ${b.round} ended with the same ${plural(b.gaps.length, 'gap')}` });
    }
  }
  return reasons;
}

export function plural(n: number, word: string): string {
  return `${word}${n === 1 ? '' : 's'}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
