import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GateSpec } from '../../core/gates/spec.js';
import type { GateRunFacts } from '../../core/goal/controller/goal-log.js';
import type { GateRun, GateScope } from '../../core/proof/evidence.js';
import { parseGateResultText } from '../../core/proof/proof-schema.js';
import { newRunId } from '../gates/artifacts.js';
import { runGate } from '../gates/run-gate.js';
import type { GoalScope } from './context.js';
import { record } from './context.js';
import { findReusableRun, recordDigest } from './gate-reuse.js';
import { writeJsonAtomically } from './goal-dir.js';

export interface GateRunPlace {
  /** The checkout the gates run in (a worktree); gate `cwd`s are relative to it. */
  root: string;
  treeSha: string;
  scope: GateScope;
  taskId: string | null;
}

/**
 * Runs gates one after another on one tree and records each as a goal-scoped run: the gate runner's
 * own artifacts (stdout, stderr, result.json) plus `run.json`, the proof's record of the run (its
 * scope and task, paths relative to the goal directory), whose digest `gate.run_recorded` carries.
 * The repository-wide result cache is not consulted: a goal's evidence is a run of its own on the
 * tree it names. When this goal already ran the same gate spec on the same tree (a task's tree that
 * becomes the integrated tree, an until-ready round on an unchanged head, a resumed integration), that
 * run is recorded again for the new scope, pointing at its outputs (`reused_from`), unless
 * `goal.reuse_gate_runs = false` (docs/gates.md "Reuse within a goal").
 */
export async function runScopedGates(scope: GoalScope, specs: readonly GateSpec[], place: GateRunPlace): Promise<GateRun[]> {
  const { rt } = scope;
  const runs: GateRun[] = [];
  for (const spec of specs) {
    if (rt.signal.aborted) break;
    const earlier = rt.config.goal.reuse_gate_runs ? await findReusableRun(scope, spec, place.treeSha) : undefined;
    if (earlier) {
      runs.push(await recordReuse(scope, spec, place, earlier));
      continue;
    }
    rt.progress(`gate ${spec.name}: running on ${place.scope}${place.taskId ? ` ${place.taskId}` : ''} (tree ${place.treeSha.slice(0, 12)})`);
    const evidence = await runGate(spec, {
      repoRoot: place.root,
      treeSha: place.treeSha,
      goalDir: scope.dir.root,
      goalId: scope.goalId,
      store: rt.store,
      signal: rt.signal,
      env: rt.env,
      useCache: false,
      breakerScope: rt.repoRoot,
      now: rt.now,
    });
    // A run cut short by pause, cancel or Ctrl-C is no evidence about the tree: it is not recorded.
    if (rt.signal.aborted) break;
    const base = `artifacts/gates/${evidence.run_id}`;
    const run: GateRun = {
      run_id: evidence.run_id,
      name: evidence.name,
      scope: place.scope,
      task_id: place.taskId,
      command: evidence.command,
      cwd: evidence.cwd,
      tree_sha: evidence.tree_sha,
      exit_code: evidence.exit_code,
      duration_ms: evidence.duration_ms,
      timed_out: evidence.timed_out,
      passed: evidence.passed,
      required: evidence.required,
      infra_error: evidence.infra_error,
      stdout: { path: `${base}/stdout`, sha256: evidence.stdout.sha256 },
      stderr: { path: `${base}/stderr`, sha256: evidence.stderr.sha256 },
      result_path: `${base}/run.json`,
    };
    await recordRun(scope, run);
    rt.progress(`gate ${spec.name}: ${run.passed ? 'PASS' : `FAIL (${evidence.outcome}, exit ${String(run.exit_code)})`}`);
    runs.push(run);
  }
  return runs;
}

/** Writes run.json and records `gate.run_recorded` with its digest. */
async function recordRun(scope: GoalScope, run: GateRun): Promise<void> {
  const text = await writeJsonAtomically(path.join(scope.dir.root, run.result_path), run);
  await record(scope, 'gate.run_recorded', {
    run_id: run.run_id,
    gate: run.name,
    scope: run.scope,
    task_id: run.task_id,
    tree_sha: run.tree_sha,
    passed: run.passed,
    record_path: run.result_path,
    record_sha256: recordDigest(text),
    ...(run.reused_from !== undefined ? { reused_from: run.reused_from } : {}),
  });
}

/**
 * A run of `spec` on the tree `earlier` judged, recorded for this scope without running the command:
 * a run id and run.json of its own, the earlier run's facts, and its stdout and stderr (same paths,
 * same digests, so `omk goal proof --verify` checks the very bytes the verdict rests on).
 */
async function recordReuse(scope: GoalScope, spec: GateSpec, place: GateRunPlace, earlier: GateRun): Promise<GateRun> {
  const { rt } = scope;
  const runId = newRunId(spec.name, rt.now());
  const run: GateRun = {
    ...earlier,
    run_id: runId,
    name: spec.name,
    scope: place.scope,
    task_id: place.taskId,
    required: spec.required,
    result_path: `artifacts/gates/${runId}/run.json`,
    reused_from: earlier.run_id,
  };
  await recordRun(scope, run);
  rt.progress(`gate ${spec.name}: ${run.passed ? 'PASS' : 'FAIL'} on ${place.scope}${place.taskId ? ` ${place.taskId}` : ''} (tree ${place.treeSha.slice(0, 12)}), reused from run ${earlier.run_id}`);
  return run;
}

/** The recorded runs, read back from their run.json files; a missing, changed or invalid record is an infra problem. */
export async function loadGateRuns(scope: GoalScope, facts: readonly GateRunFacts[]): Promise<{ runs: GateRun[]; problems: string[] }> {
  const runs: GateRun[] = [];
  const problems: string[] = [];
  for (const f of facts) {
    let text: string;
    try {
      text = await readFile(path.join(scope.dir.root, f.record_path), 'utf8');
    } catch {
      problems.push(`gate run ${f.run_id}: ${f.record_path} is missing`);
      continue;
    }
    if (createHash('sha256').update(text).digest('hex') !== f.record_sha256) {
      problems.push(`gate run ${f.run_id}: ${f.record_path} changed since it was recorded`);
      continue;
    }
    const parsed = parseGateResultText(text);
    if (!parsed.ok) {
      problems.push(`gate run ${f.run_id}: ${f.record_path} is not a valid gate record`);
      continue;
    }
    runs.push(parsed.value);
  }
  return { runs, problems };
}

/** The last `max` characters of a run's stdout and stderr, for feedback. */
export async function gateOutputTail(scope: GoalScope, run: GateRun, max = 1800): Promise<string> {
  const read = (rel: string): Promise<string> => readFile(path.join(scope.dir.root, rel), 'utf8').catch(() => '');
  const [out, err] = await Promise.all([read(run.stdout.path), read(run.stderr.path)]);
  const text = [out.trimEnd(), err.trimEnd()].filter(Boolean).join('\n');
  return text.length <= max ? text : text.slice(text.length - max);
}
