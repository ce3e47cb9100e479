import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { renderReplay, type ReplayFormat } from '../../core/goal/controller/replay.js';
import { readEventLog } from '../../runtime/events/reader.js';
import { needsResume, readControllerViews, readGoalState, showJson, statusJson, taskProgress, type ControllerView } from '../../runtime/goal/index.js';
import { verifyProof } from '../../runtime/proof/verify-proof.js';
import { ageText, type WorkerView } from '../../runtime/goal/worker-beacon.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { openGoalStore } from './goal/open-store.js';

/**
 * The read side of `omk goal`: status, list, show, proof [--verify], replay. They open the store
 * without creating it and never write goal state (opening heals a torn events.jsonl tail, as every
 * store open does). Shapes of `--json` are in docs/goals.md.
 */

export async function goalStatusCommand(ctx: CliContext, ref: string | undefined, opts: { json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const state = await readGoalState(store, paths.goalsDir, ref ?? 'latest', { dbFile: paths.dbFile, now: ctx.now() });
    const s = statusJson(state);
    if (opts.json) {
      writeJson(ctx, s);
      return EXIT.ok;
    }
    const log = state.log;
    writeLine(ctx, `goal ${state.goal.id}: ${statusText(state.goal.id, state.goal.status, state.controller)}${log.round > 1 ? ` (round ${log.round})` : ''}`);
    writeLine(ctx, `  request: ${state.goal.prompt.replace(/\s+/g, ' ').slice(0, 160)}`);
    if (state.controller) writeLine(ctx, `  ${controllerLine(state.controller, ctx.now())}`);
    if (log.intake) writeLine(ctx, `  type: ${log.intake.type}; oracle: ${log.intake.oracle.gates.join(', ') || 'none'}; base ${log.intake.base_ref} ${log.intake.base_sha.slice(0, 12)}`);
    if (log.questions[0]) writeLine(ctx, `  question: ${log.questions[0].question}`);
    for (const t of state.tasks) writeLine(ctx, `  task ${t.id}: ${taskProgress(t.status, log.tasks.get(t.id))} — ${t.title}`);
    for (const w of state.workers) writeLine(ctx, `  ${workerLine(w, ctx.now())}`);
    if (log.integration) writeLine(ctx, `  integration: ${log.integration.branch} at ${log.integration.head_sha.slice(0, 12)}`);
    const proof = s.proof as { status: string; readiness: string; path: string } | null;
    if (proof) writeLine(ctx, `  proof: ${proof.status} — ${proof.readiness}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function goalListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const goals = await store.listGoals();
    const rows = goals.map((g) => ({ goal_id: g.id, status: g.status, request: g.prompt, created_at: g.createdAt, updated_at: g.updatedAt }));
    if (opts.json) writeJson(ctx, { goals: rows });
    else if (rows.length === 0) writeLine(ctx, 'no goals yet');
    else {
      // Only a running goal's controller matters here: a stopped one needs `omk goal resume`.
      const running = rows.filter((r) => r.status === 'running').map((r) => r.goal_id);
      const controllers = running.length > 0 ? await readControllerViews(paths.dbFile, running, ctx.now()) : new Map<string, ControllerView | null>();
      for (const r of rows) {
        const status = needsResume(r.status, controllers.get(r.goal_id) ?? null) ? 'running (no live controller)' : r.status;
        writeLine(ctx, `${r.goal_id}  ${status.padEnd(19)} ${r.request.replace(/\s+/g, ' ').slice(0, 80)}`);
      }
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function goalShowCommand(ctx: CliContext, ref: string, opts: { json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const state = await readGoalState(store, paths.goalsDir, ref, { dbFile: paths.dbFile, now: ctx.now() });
    const doc = showJson(state);
    if (opts.json) {
      writeJson(ctx, doc);
      return EXIT.ok;
    }
    goalStatusCommandText(ctx, state);
    const log = state.log;
    if (log.intake?.team) writeLine(ctx, `  team run: ${log.intake.team.workers}:${log.intake.team.role} (up to ${log.intake.team.workers} ${log.intake.team.role} agent(s) at once on independent slices)`);
    if (log.plan) writeLine(ctx, `  plan: ${log.plan.tasks.length} task(s) by the ${log.plan.planner}${log.plan.engine ? ` (${log.plan.engine})` : ''}`);
    for (const d of log.decisions) writeLine(ctx, `  decision [${d.topic}]: ${d.choice} — ${d.reason}`);
    for (const t of log.tasks.values()) {
      for (const a of t.attempts) {
        writeLine(ctx, `  attempt ${a.task_id}#${a.attempt}: ${a.outcome}${a.commit ? ` ${a.commit.slice(0, 12)}` : ''}${a.rejected_files.length > 0 ? ` rejected ${a.rejected_files.join(', ')}` : ''}`);
      }
    }
    for (const g of log.gateRuns) writeLine(ctx, `  gate ${g.gate} [${g.scope}${g.task_id ? ` ${g.task_id}` : ''}]: ${g.passed ? 'PASS' : 'FAIL'} (${g.record_path})`);
    if (log.review) writeLine(ctx, `  review: ${Object.entries(log.review.sections).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    writeLine(ctx, `  files: ${state.dir.root}`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `agent part-a#1 [fake] worker:host:123:ab12cd34 — edit a.js (2s ago) · heartbeat 1s ago · 1,234 tokens · $0.0012` */
export function workerLine(w: WorkerView, now: Date): string {
  const doing = w.activity ? `${w.activity} (${ageText(w.activity_at, now)})` : 'starting';
  return `agent ${w.task_id}#${w.attempt} [${w.engine}] ${w.owner} — ${doing} · heartbeat ${ageText(w.heartbeat_at, now)} · ${w.tokens.toLocaleString('en-US')} tokens · $${w.usd.toFixed(4)}`;
}

/** `running (no live controller — continue with omk goal resume <id>)` when nothing drives a running goal. */
function statusText(goalId: string, status: string, controller: ControllerView | null): string {
  return needsResume(status, controller) ? `${status} (no live controller — continue with omk goal resume ${goalId})` : status;
}

/** `controller: pid 123 on host-a, alive (heartbeat 1s ago)` / `… not alive (last heartbeat 5m ago)`. */
function controllerLine(c: ControllerView, now: Date): string {
  return `controller: pid ${c.pid} on ${c.host}, ${c.alive ? `alive (heartbeat ${ageText(c.heartbeat_at, now)})` : `not alive (last heartbeat ${ageText(c.heartbeat_at, now)})`}`;
}

function goalStatusCommandText(ctx: CliContext, state: Awaited<ReturnType<typeof readGoalState>>): void {
  const s = statusJson(state);
  writeLine(ctx, `goal ${state.goal.id}: ${statusText(state.goal.id, state.goal.status, state.controller)}`);
  writeLine(ctx, `  request: ${state.goal.prompt.replace(/\s+/g, ' ').slice(0, 160)}`);
  const proof = s.proof as { status: string; readiness: string } | null;
  if (proof) writeLine(ctx, `  proof: ${proof.status} — ${proof.readiness}`);
}

export async function goalProofCommand(ctx: CliContext, ref: string, opts: { verify?: boolean; json?: boolean }): Promise<number> {
  const { store, paths } = await openGoalStore(ctx, false);
  try {
    const goal = await store.resolveGoal(ref);
    const dir = path.join(paths.goalsDir, goal.id);
    if (opts.verify) {
      const report = await verifyProof({ goalDir: dir, goalId: goal.id, storeEvents: await store.readEvents(goal.id) });
      if (opts.json) writeJson(ctx, report);
      else if (report.ok) {
        writeLine(ctx, `OK  proof of goal ${goal.id} verifies: status ${report.status ?? '?'} re-derived from the evidence`);
        writeLine(ctx, `    checked ${report.checked.artifacts} artifact(s), ${report.checked.gate_results} gate record(s), ${report.checked.events} event(s)`);
      } else {
        writeLine(ctx, `BROKEN  proof of goal ${goal.id}: ${report.mismatches.length} mismatch(es)`);
        for (const m of report.mismatches) writeLine(ctx, `  ${m.kind}${m.path ? ` ${m.path}` : ''}${m.field ? ` (${m.field})` : ''}: ${m.message}`);
      }
      return report.ok ? EXIT.ok : EXIT.failure;
    }
    let text: string;
    try {
      text = await readFile(path.join(dir, opts.json ? 'proof.json' : 'proof.md'), 'utf8');
    } catch {
      throw new OmkError('not_found', `goal ${goal.id} has no proof yet (status ${goal.status})`, { hint: `omk goal status ${goal.id}` });
    }
    ctx.stdout.write(text);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function goalReplayCommand(ctx: CliContext, ref: string, opts: { from?: string; format?: string }): Promise<number> {
  const format = (opts.format ?? 'text') as ReplayFormat;
  if (!['text', 'json', 'md'].includes(format)) throw new OmkError('usage', `--format must be text, json or md, got ${format}`);
  const from = opts.from === undefined ? 1 : Number(opts.from);
  if (!Number.isInteger(from) || from < 1) throw new OmkError('usage', `--from must be a positive integer, got ${String(opts.from)}`);
  const { goalsDir, dbFile } = ctx.paths;
  if (goalsDir === undefined || dbFile === undefined) throw new OmkError('not_a_repo', `${ctx.cwd} is not inside a git repository`);
  // Replay reads events.jsonl as it is: it resolves the goal without opening the store, which would heal the file.
  const goalId = await resolveForReplay(ctx, ref, dbFile, goalsDir);
  const log = readEventLog(path.join(goalsDir, goalId, 'events.jsonl'));
  if (!log.exists) throw new OmkError('not_found', `goal ${goalId} has no events.jsonl`);
  ctx.stdout.write(renderReplay({ goalId, events: log.events, stats: log.stats, from }, format));
  return EXIT.ok;
}

async function resolveForReplay(ctx: CliContext, ref: string, dbFile: string, goalsDir: string): Promise<string> {
  const { existsSync } = await import('node:fs');
  if (!existsSync(dbFile)) throw new OmkError('not_found', 'there are no goals in this repository yet');
  const { openStore } = await import('../../runtime/store/sqlite-store.js');
  const store = await openStore({ dbFile, goalsDir, now: ctx.now, log: ctx.log, healOnOpen: false });
  try {
    return (await store.resolveGoal(ref)).id;
  } finally {
    await store.close();
  }
}
