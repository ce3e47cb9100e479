import { goalService } from '../../app/goal-service.js';
import type { ControllerView, GoalView, TaskView, WorkerView } from '../../app/goals/read.js';
import { OmkError } from '../../core/errors.js';
import { ageText } from '../../core/format/age.js';
import type { ReplayFormat } from '../../core/goal/controller/replay.js';
import { writeJson, writeLine, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * The read side of `omk goal`: status, list, show, proof [--verify], replay. Read-only: the store is
 * opened read-only and nothing is written. `--json` of status and show is the GoalView
 * (docs/goal-view.md).
 */

export async function goalStatusCommand(ctx: CliContext, ref: string | undefined, opts: { json?: boolean }): Promise<number> {
  const view = await goalService(ctx).status(ref ?? 'latest');
  if (opts.json) writeJson(ctx, view);
  else printStatus(ctx, view);
  return EXIT.ok;
}

function printStatus(ctx: CliContext, v: GoalView): void {
  const now = ctx.now();
  writeLine(ctx, `goal ${v.goal_id}: ${statusText(v)}${v.round > 1 ? ` (round ${v.round})` : ''}`);
  writeLine(ctx, `  request: ${v.request.replace(/\s+/g, ' ').slice(0, 160)}`);
  if (v.controller) writeLine(ctx, `  ${controllerLine(v.controller, now)}`);
  if (v.type !== null) writeLine(ctx, `  type: ${v.type}; oracle: ${v.oracle.join(', ') || 'none'}${v.base ? `; base ${v.base.ref} ${v.base.sha.slice(0, 12)}` : ''}`);
  if (v.question) writeLine(ctx, `  question: ${v.question}`);
  for (const t of v.tasks) writeLine(ctx, `  task ${t.id}: ${taskProgress(t)} — ${t.title}`);
  for (const w of v.workers) writeLine(ctx, `  ${workerLine(w, now)}`);
  if (v.integration) writeLine(ctx, `  integration: ${v.integration.branch} at ${v.integration.head_sha.slice(0, 12)}`);
  if (v.proof) writeLine(ctx, `  proof: ${v.proof.status} — ${v.proof.readiness}`);
}

/**
 * `leased — attempt 1 running`, `queued — 1 attempt started (1 interrupted)`, `done — 2 attempts started`.
 * Attempts count when started (an interrupted one keeps its number), so the next is always `started + 1`.
 */
export function taskProgress(t: TaskView): string {
  const extra = t.interrupted > 0 ? ` (${t.interrupted} interrupted)` : '';
  if (t.running !== null) {
    // Not leased any more while the log has it under way: its holder is gone (`resume` recovers it).
    const state = t.status === 'leased' ? 'running' : 'left unfinished';
    const earlier = t.started - 1;
    return `${t.status} — attempt ${t.running} ${state}${earlier > 0 ? `, ${earlier} earlier${extra}` : extra}`;
  }
  if (t.started === 0) return `${t.status} — no attempt started${t.blocked_reason ? `: ${t.blocked_reason}` : ''}`;
  return `${t.status} — ${t.started} attempt${t.started === 1 ? '' : 's'} started${extra}`;
}

/** `agent part-a#1 [fake] worker:host:123:ab12cd34 — edit a.js (2s ago) · heartbeat 1s ago · 1,234 tokens · $0.0012` */
export function workerLine(w: WorkerView, now: Date): string {
  const doing = w.activity ? `${w.activity} (${ageText(w.activity_at, now)})` : 'starting';
  return `agent ${w.task_id}#${w.attempt} [${w.engine}] ${w.owner} — ${doing} · heartbeat ${ageText(w.heartbeat_at, now)} · ${w.tokens.toLocaleString('en-US')} tokens · $${w.usd.toFixed(4)}`;
}

/** `running (no live controller — continue with omk goal resume <id>)` when nothing drives an active goal. */
function statusText(v: GoalView): string {
  const stalled = (v.status === 'running' || v.status === 'planning') && !v.controller?.alive;
  return stalled ? `${v.status} (no live controller — continue with omk goal resume ${v.goal_id})` : v.status;
}

/** `controller: pid 123 on host-a, alive (heartbeat 1s ago)` / `… not alive (last heartbeat 5m ago)`. */
function controllerLine(c: ControllerView, now: Date): string {
  return `controller: pid ${c.pid} on ${c.host}, ${c.alive ? `alive (heartbeat ${ageText(c.heartbeat_at, now)})` : `not alive (last heartbeat ${ageText(c.heartbeat_at, now)})`}`;
}

export async function goalListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { goals } = await goalService(ctx).list();
  if (opts.json) writeJson(ctx, { goals });
  else if (goals.length === 0) writeLine(ctx, 'no goals yet');
  else {
    for (const r of goals) {
      const status = r.needs_resume ? `${r.status} (no live controller)` : r.status;
      writeLine(ctx, `${r.goal_id}  ${status.padEnd(19)} ${r.request.replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  }
  return EXIT.ok;
}

export async function goalShowCommand(ctx: CliContext, ref: string, opts: { json?: boolean }): Promise<number> {
  const d = await goalService(ctx).show(ref);
  if (opts.json) {
    writeJson(ctx, d);
    return EXIT.ok;
  }
  writeLine(ctx, `goal ${d.goal_id}: ${statusText(d)}`);
  writeLine(ctx, `  request: ${d.request.replace(/\s+/g, ' ').slice(0, 160)}`);
  if (d.proof) writeLine(ctx, `  proof: ${d.proof.status} — ${d.proof.readiness}`);
  if (d.team) writeLine(ctx, `  team run: ${d.team.workers}:${d.team.role} (up to ${d.team.workers} ${d.team.role} agent(s) at once on independent slices)`);
  if (d.plan) writeLine(ctx, `  plan: ${d.plan.tasks} task(s) by the ${d.plan.planner}${d.plan.engine ? ` (${d.plan.engine})` : ''}`);
  if (d.plan_file && !d.plan_file.matches_plan) writeLine(ctx, `  warning: ${d.plan_file.path} differs from the plan the log recorded (graph digest); its details below may not be what ran`);
  for (const dec of d.decisions) writeLine(ctx, `  decision [${dec.topic}]: ${dec.choice} — ${dec.reason}`);
  for (const a of d.attempts) {
    writeLine(ctx, `  attempt ${a.task_id}#${a.attempt}: ${a.outcome}${a.commit ? ` ${a.commit.slice(0, 12)}` : ''}${a.rejected_files.length > 0 ? ` rejected ${a.rejected_files.join(', ')}` : ''}`);
  }
  for (const g of d.gates) writeLine(ctx, `  gate ${g.gate} [${g.scope}${g.task_id ? ` ${g.task_id}` : ''}]: ${g.passed ? 'PASS' : 'FAIL'} (${g.record})`);
  if (d.review) writeLine(ctx, `  review: ${Object.entries(d.review.sections).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  writeLine(ctx, `  files: ${d.goal_dir}`);
  return EXIT.ok;
}

export async function goalProofCommand(ctx: CliContext, ref: string, opts: { verify?: boolean; json?: boolean }): Promise<number> {
  const goals = goalService(ctx);
  if (!opts.verify) {
    ctx.stdout.write((await goals.proof(ref, opts.json ? 'json' : 'md')).text);
    return EXIT.ok;
  }
  const report = await goals.verify(ref);
  const { goal_id: goalId, ...rest } = report;
  if (opts.json) writeJson(ctx, rest);
  else if (report.ok) {
    writeLine(ctx, `OK  proof of goal ${goalId} verifies: status ${report.status ?? '?'} re-derived from the evidence`);
    writeLine(ctx, `    checked ${report.checked.artifacts} artifact(s), ${report.checked.gate_results} gate record(s), ${report.checked.events} event(s)`);
  } else {
    writeLine(ctx, `BROKEN  proof of goal ${goalId}: ${report.mismatches.length} mismatch(es)`);
    for (const m of report.mismatches) writeLine(ctx, `  ${m.kind}${m.path ? ` ${m.path}` : ''}${m.field ? ` (${m.field})` : ''}: ${m.message}`);
  }
  if (!opts.json) {
    for (const line of report.unchecked) writeLine(ctx, `    not checked: ${line}`);
    if (report.unanchored_events.length > 0) {
      writeLine(ctx, `    ${report.unanchored_events.length} event(s) after the anchored head, which the proof does not cover: ${[...new Set(report.unanchored_events)].join(', ')}`);
    }
  }
  return report.ok ? EXIT.ok : EXIT.failure;
}

export async function goalReplayCommand(ctx: CliContext, ref: string, opts: { from?: string; format?: string }): Promise<number> {
  const format = (opts.format ?? 'text') as ReplayFormat;
  if (!['text', 'json', 'md'].includes(format)) throw new OmkError('usage', `--format must be text, json or md, got ${format}`);
  const from = opts.from === undefined ? 1 : Number(opts.from);
  if (!Number.isInteger(from) || from < 1) throw new OmkError('usage', `--from must be a positive integer, got ${String(opts.from)}`);
  ctx.stdout.write((await goalService(ctx).replay(ref, { from, format })).text);
  return EXIT.ok;
}
