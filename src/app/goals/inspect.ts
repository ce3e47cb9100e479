import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import type { GateEvidence } from '../../core/gates/evidence.js';
import { goalView } from '../../core/goal/view/goal-view.js';
import { diffBetween, type DiffResult } from '../../runtime/git/diff.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';

/**
 * Reads the dashboard shows beside the GoalView: a gate run's recorded output, a task's (or the
 * combined) diff, and cost over time. Read-only, and confined to the goal's own records: a run id or
 * task id that the goal's log does not name is `not_found`, never a path.
 */

/** Longest stream sent to a viewer; the artifact on disk keeps everything. */
const MAX_STREAM = 256 * 1024;
/** Longest patch sent to a viewer. */
const MAX_PATCH = 1024 * 1024;

export interface GateRunOutput {
  goal_id: string;
  run_id: string;
  evidence: GateEvidence;
  stdout: { text: string; clipped: boolean };
  stderr: { text: string; clipped: boolean };
}

export function gateRunOutput(ctx: AppContext, ref: string, runId: string): Promise<GateRunOutput> {
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    const log = await store.goalLog(goal.id);
    const known = log.gateRuns.find((r) => r.run_id === runId);
    if (!known) throw new OmkError('not_found', `goal ${goal.id} has no gate run ${JSON.stringify(runId)}`, { hint: `omk goal status ${goal.id} --json lists its gate runs` });
    const goalDir = path.join(paths.goalsDir, goal.id);
    const record = inside(goalDir, known.record_path);
    const evidence = JSON.parse(await readFile(record, 'utf8')) as GateEvidence;
    const stream = async (ref: GateEvidence['stdout']): Promise<{ text: string; clipped: boolean }> => {
      // Recorded absolute, relative to the goal directory (a task's gate) or to the repository; never outside the repository.
      const file = [path.resolve(goalDir, ref.path), path.resolve(paths.repoRoot, ref.path)].find((f) => existsSync(f));
      if (file === undefined) throw new OmkError('not_found', `the output ${ref.path} of gate run ${runId} is missing`, { hint: `omk goal proof ${goal.id} --verify` });
      const text = await readFile(inside(paths.repoRoot, file), 'utf8');
      return text.length > MAX_STREAM ? { text: text.slice(-MAX_STREAM), clipped: true } : { text, clipped: false };
    };
    const [stdout, stderr] = await Promise.all([stream(evidence.stdout), stream(evidence.stderr)]);
    return { goal_id: goal.id, run_id: runId, evidence, stdout, stderr };
  });
}

export interface GoalDiff {
  goal_id: string;
  /** The task whose attempt's commit is shown, or null for the combined change (base → integration head). */
  task_id: string | null;
  from: string;
  to: string;
  patch: string;
  patch_truncated: boolean;
  files: DiffResult['files'];
  stat: DiffResult['stat'];
}

/** A task's change (base → its latest committed attempt) or, without `taskId`, the combined change (base → integration head). */
export function goalDiff(ctx: AppContext, ref: string, taskId?: string): Promise<GoalDiff> {
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    const log = await store.goalLog(goal.id);
    const view = goalView(log, { goalId: goal.id, status: goal.status, request: goal.prompt, goalDir: path.join(paths.goalsDir, goal.id) });
    const base = view.base?.sha;
    if (!base) throw new OmkError('not_found', `goal ${goal.id} has no base commit yet`);
    let to: string | null | undefined;
    if (taskId === undefined) to = view.integration?.head_sha ?? null;
    else {
      const task = log.tasks.get(taskId);
      if (!task) throw new OmkError('not_found', `goal ${goal.id} has no task ${JSON.stringify(taskId)}`);
      to = [...task.attempts].reverse().find((a) => a.commit !== null)?.commit ?? null;
    }
    if (!to) throw new OmkError('not_found', taskId === undefined ? `goal ${goal.id} has no combined change yet` : `task ${taskId} has no committed attempt yet`);
    const diff = await diffBetween({ cwd: paths.repoRoot, env: ctx.env }, base, to, { maxPatchBytes: MAX_PATCH });
    return { goal_id: goal.id, task_id: taskId ?? null, from: base, to, patch: diff.patch, patch_truncated: diff.patchTruncated, files: diff.files, stat: diff.stat };
  });
}

export interface CostPoint {
  seq: number;
  ts: string;
  tokens: number;
  usd: number;
}

/** Cumulative tokens and dollars after each `cost.recorded` event. */
export function goalCostSeries(ctx: AppContext, ref: string): Promise<{ goal_id: string; points: CostPoint[] }> {
  return withRepoStore(ctx, 'read', async (store) => {
    const goal = await store.resolveGoal(ref);
    const points: CostPoint[] = [];
    let tokens = 0;
    let usd = 0;
    for (const e of await store.readEvents(goal.id)) {
      if (e.type !== 'cost.recorded') continue;
      const p = e.payload as { tokens_in?: number; tokens_out?: number; usd?: number };
      tokens += (p.tokens_in ?? 0) + (p.tokens_out ?? 0);
      usd += p.usd ?? 0;
      points.push({ seq: e.seq, ts: e.ts, tokens, usd });
    }
    return { goal_id: goal.id, points };
  });
}

/** `rel` resolved under `root`, refused when it would leave it (a record is never a way out of the goal). */
function inside(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(`${root}${path.sep}`)) throw new OmkError('not_found', `${rel} is outside ${root}`);
  return full;
}
