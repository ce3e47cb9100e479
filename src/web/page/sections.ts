/// <reference lib="dom" />
import { ApiError, getJson, postJson } from './api.js';
import { ansiToNodes } from './ansi.js';
import { costChart, type CostPoint } from './chart.js';
import { fill, h, num, usd } from './dom.js';
import { taskGraph } from './graph.js';
import type { WorkerView } from './agents.js';

/** The slice of `GET /api/goals/:id` (the goal's `show`: GoalView + plan) the page reads. */
export interface Details {
  goal_id: string;
  status: string;
  phase: string;
  request: string;
  type: string | null;
  created_at: string | null;
  updated_at: string | null;
  base: { ref: string; sha: string } | null;
  tasks: Array<{ id: string; title: string; depends_on: string[]; status: string; running: number | null; attempts: number; last_outcome: string | null; commit: string | null }>;
  gates: Array<{ run_id: string; gate: string; scope: string; task_id: string | null; passed: boolean }>;
  gates_running: Array<{ run_id: string; gate: string; since: string }>;
  integration: { head_sha: string } | null;
  review: { round: number; reviewed_sha: string; sections: Record<string, string>; reviewer: { engine: string; outcome: string } | null } | null;
  proof: { status: string; readiness: string; known_gaps: string[]; written_at: string } | null;
  cost: { turns: number; tokens_in: number; tokens_out: number; usd: number };
  budget: {
    limits: { time_ms: number | null; tokens: number | null; usd_micros: number | null } | null;
    used: { time_ms: number; tokens: number; usd_micros: number };
    reserved: { tokens: number; usd_micros: number; count: number };
    exhausted: { dimension: string; detail: string } | null;
  };
  control: { requested: { kind: string; by: string } | null; paused: boolean };
  human: Array<{ kind: string; by: string; at: string; text: string }>;
  workers: WorkerView[];
  controller: { pid: number; alive: boolean } | null;
  events: number;
}

const say = (el: HTMLElement, e: unknown): void => {
  el.textContent = e instanceof ApiError ? `${e.message}${e.hint ? ` — ${e.hint}` : ''}` : String((e as Error).message ?? e);
};

/** Pause, resume, cancel, accept/reject with a summary, budget-add: each a POST the goal service records as its event. */
export function controls(id: string, d: Details, onDone: () => void): HTMLElement {
  const msg = h('p', { class: 'notice', role: 'status', id: 'control-message' });
  const act = (path: string, body: Record<string, unknown> = {}) => async (): Promise<void> => {
    msg.textContent = '…';
    try {
      const r = await postJson<{ message?: string; status?: string }>(`/api/goals/${encodeURIComponent(id)}/${path}`, body);
      msg.textContent = r.message ?? `${path}: done${r.status ? ` (${r.status})` : ''}`;
      onDone();
    } catch (e) {
      say(msg, e);
    }
  };
  const summary = h('input', { id: 'decision-summary', placeholder: 'summary: what you checked and why', 'aria-label': 'decision summary' }) as HTMLInputElement;
  const tokens = h('input', { id: 'budget-tokens', placeholder: 'tokens, e.g. 500k', size: 12 }) as HTMLInputElement;
  const dollars = h('input', { id: 'budget-usd', placeholder: 'usd, e.g. 2.50', size: 10 }) as HTMLInputElement;
  const time = h('input', { id: 'budget-time', placeholder: 'time, e.g. 30m', size: 10 }) as HTMLInputElement;
  const running = d.controller?.alive === true;
  const verdict = d.proof !== null && !running;
  return h('section', { class: 'card controls', id: 'controls' },
    h('div', { class: 'row' },
      h('button', { id: 'btn-pause', disabled: !running, onclick: () => void act('pause')() }, 'Pause'),
      h('button', { id: 'btn-resume', disabled: running || d.status === 'cancelled' || (verdict && d.status !== 'needs_more_budget'), onclick: () => void act('resume')() }, 'Resume'),
      h('button', { id: 'btn-cancel', class: 'danger', disabled: d.status === 'cancelled' || (verdict && d.status !== 'needs_more_budget' && d.status !== 'paused'), onclick: () => confirm(`Cancel goal ${id}? Cancel is final.`) && void act('cancel')() }, 'Cancel'),
    ),
    h('div', { class: 'row' }, summary,
      h('button', { id: 'btn-accept', disabled: !verdict, onclick: () => void act('accept', { summary: summary.value })() }, 'Accept'),
      h('button', { id: 'btn-reject', disabled: !verdict, onclick: () => void act('reject', { summary: summary.value })() }, 'Reject'),
    ),
    h('div', { class: 'row' }, 'More budget:', tokens, dollars, time,
      h('button', { id: 'btn-budget', onclick: () => void act('budget-add', { tokens: tokens.value, usd: dollars.value, time: time.value })() }, 'Add budget'),
    ),
    msg,
  );
}

export function graphSection(id: string, d: Details): HTMLElement {
  return h('div', {}, d.tasks.length === 0 ? h('p', { class: 'muted' }, 'No task graph yet (planning).') : taskGraph(d.tasks, (t) => `/goals/${encodeURIComponent(id)}#diff-${encodeURIComponent(t)}`),
    h('table', { class: 'tasks' }, h('thead', {}, h('tr', {}, ['task', 'state', 'attempts', 'last outcome', 'commit'].map((c) => h('th', {}, c)))),
      h('tbody', {}, d.tasks.map((t) => h('tr', { 'data-task': t.id }, h('td', {}, h('a', { href: `#diff-${encodeURIComponent(t.id)}` }, t.id), h('div', { class: 'request' }, t.title)), h('td', {}, h('span', { class: `badge st-${t.running !== null ? 'running' : t.status}` }, t.running !== null ? 'running' : t.status)), h('td', {}, String(t.attempts)), h('td', {}, t.last_outcome ?? '—'), h('td', {}, h('code', {}, t.commit?.slice(0, 10) ?? '—')))))));
}

export function gatesSection(id: string, d: Details, open: (runId: string) => void): HTMLElement {
  const rows = [
    ...d.gates_running.map((g) => h('tr', { class: 'running' }, h('td', {}, g.gate), h('td', {}, '—'), h('td', {}, '—'), h('td', {}, h('span', { class: 'badge st-running' }, 'running')))),
    ...[...d.gates].reverse().map((g) =>
      h('tr', { 'data-run': g.run_id, class: g.passed ? 'passed' : 'failed' },
        h('td', {}, h('a', { href: `#gate-${encodeURIComponent(g.run_id)}`, onclick: () => open(g.run_id) }, g.gate)),
        h('td', {}, g.scope), h('td', {}, g.task_id ?? '—'),
        h('td', {}, h('span', { class: `badge ${g.passed ? 'st-done' : 'st-failed'}` }, g.passed ? 'passed' : 'failed')))),
  ];
  return h('div', {}, rows.length === 0 ? h('p', { class: 'muted' }, 'No gate has run yet.') : h('table', { class: 'gates' }, h('thead', {}, h('tr', {}, ['gate', 'scope', 'task', 'result'].map((c) => h('th', {}, c)))), h('tbody', {}, rows)),
    h('div', { id: 'gate-output' }));
}

/** One gate run's recorded command, outcome and output (ANSI rendered as text with colour spans). */
export async function showGateRun(id: string, runId: string): Promise<void> {
  const el = document.getElementById('gate-output');
  if (!el) return;
  fill(el, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const r = await getJson<{ evidence: { name: string; command: string; outcome: string; exit_code: number | null; duration_ms: number }; stdout: { text: string; clipped: boolean }; stderr: { text: string; clipped: boolean } }>(
      `/api/goals/${encodeURIComponent(id)}/gates/${encodeURIComponent(runId)}`,
    );
    const stream = (name: string, s: { text: string; clipped: boolean }) =>
      h('div', {}, h('h4', {}, name, s.clipped ? h('span', { class: 'muted' }, ' (last 256 KiB)') : null), h('pre', { class: `term ${name}` }, s.text === '' ? h('span', { class: 'muted' }, '(empty)') : ansiToNodes(s.text)));
    fill(el, h('div', { class: 'gate-run', 'data-run': runId },
      h('h3', {}, `${r.evidence.name}: ${r.evidence.outcome}`, h('span', { class: 'muted' }, ` exit ${r.evidence.exit_code ?? '—'} · ${(r.evidence.duration_ms / 1000).toFixed(1)}s`)),
      h('p', {}, h('code', {}, r.evidence.command)), stream('stdout', r.stdout), stream('stderr', r.stderr)));
  } catch (e) {
    const p = h('p', { class: 'error' });
    say(p, e);
    fill(el, p);
  }
}

export function diffsSection(id: string, d: Details, open: (task: string) => void): HTMLElement {
  const choices = [{ key: 'combined', label: 'combined (base → integration)', ok: d.integration !== null }, ...d.tasks.map((t) => ({ key: t.id, label: t.id, ok: t.commit !== null || t.attempts > 0 }))];
  return h('div', {}, h('div', { class: 'row' }, choices.map((c) => h('a', { class: `chip${c.ok ? '' : ' off'}`, href: `#diff-${encodeURIComponent(c.key)}`, onclick: () => open(c.key) }, c.label))), h('div', { id: 'diff-output' }));
}

export async function showDiff(id: string, key: string): Promise<void> {
  const el = document.getElementById('diff-output');
  if (!el) return;
  fill(el, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const r = await getJson<{ patch: string; patch_truncated: boolean; stat: { filesChanged: number; insertions: number; deletions: number } }>(
      `/api/goals/${encodeURIComponent(id)}/diff${key === 'combined' ? '' : `?task=${encodeURIComponent(key)}`}`,
    );
    const lines = r.patch.split('\n').map((l) => h('span', { class: l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : l.startsWith('@@') ? 'hunk' : l.startsWith('diff ') ? 'file' : '' }, `${l}\n`));
    fill(el, h('p', { class: 'muted' }, `${key}: ${r.stat.filesChanged} files, +${r.stat.insertions} −${r.stat.deletions}${r.patch_truncated ? ' (truncated)' : ''}`), h('pre', { class: 'diff', 'data-diff': key }, lines));
  } catch (e) {
    const p = h('p', { class: 'muted' });
    say(p, e);
    fill(el, p);
  }
}

export function costSection(points: readonly CostPoint[], d: Details): HTMLElement {
  return h('div', {}, h('p', {}, `${d.cost.turns} turns · ${num(d.cost.tokens_in)} in / ${num(d.cost.tokens_out)} out tokens · ${usd(d.cost.usd)}`), points.length < 1 ? h('p', { class: 'muted' }, 'No cost recorded yet.') : costChart(points));
}

export function budgetSection(d: Details): HTMLElement {
  const b = d.budget;
  const meter = (name: string, used: number, reserved: number, limit: number | null, fmt: (n: number) => string) =>
    h('tr', {}, h('td', {}, name), h('td', {}, fmt(used)), h('td', {}, fmt(reserved)), h('td', {}, limit === null ? 'unlimited' : fmt(limit)),
      h('td', {}, limit === null ? '' : h('meter', { min: 0, max: limit, value: Math.min(limit, used + reserved), title: `${Math.round(((used + reserved) / Math.max(1, limit)) * 100)}%` })));
  return h('div', {}, b.exhausted ? h('p', { class: 'error' }, `Exhausted: ${b.exhausted.dimension} — ${b.exhausted.detail}`) : null,
    h('table', { class: 'budget' }, h('thead', {}, h('tr', {}, ['', 'used', 'reserved', 'limit', ''].map((c) => h('th', {}, c)))),
      h('tbody', {}, meter('tokens', b.used.tokens, b.reserved.tokens, b.limits?.tokens ?? null, num), meter('usd', b.used.usd_micros / 1e6, b.reserved.usd_micros / 1e6, b.limits?.usd_micros == null ? null : b.limits.usd_micros / 1e6, usd),
        meter('time', b.used.time_ms / 60000, 0, b.limits?.time_ms == null ? null : b.limits.time_ms / 60000, (n) => `${n.toFixed(1)} min`))),
    h('p', { class: 'muted' }, `${b.reserved.count} reservation(s) held by running turns.`));
}

export function reviewSection(d: Details): HTMLElement {
  if (!d.review) return h('p', { class: 'muted' }, 'Not reviewed yet.');
  return h('div', {}, h('p', {}, `Round ${d.review.round}, reviewed ${d.review.reviewed_sha.slice(0, 10)}${d.review.reviewer ? ` · reviewer ${d.review.reviewer.engine}: ${d.review.reviewer.outcome}` : ''}`),
    h('table', { class: 'review' }, h('tbody', {}, Object.entries(d.review.sections).map(([k, v]) => h('tr', { 'data-section': k }, h('td', {}, k), h('td', {}, h('span', { class: `badge rv-${v}` }, v)))))));
}

export async function proofSection(id: string, d: Details, el: HTMLElement): Promise<void> {
  if (!d.proof) {
    fill(el, h('p', { class: 'muted' }, 'No proof yet.'));
    return;
  }
  try {
    const r = await getJson<{ markdown: string; verify: { ok: boolean; mismatches: Array<{ kind?: string; message?: string; detail?: string }>; checked: { artifacts: number; gate_results: number; events: number } } }>(`/api/goals/${encodeURIComponent(id)}/proof`);
    fill(el,
      h('p', { id: 'proof-verdict' }, h('span', { class: `badge st-${d.proof.status}` }, d.proof.status), ` readiness: ${d.proof.readiness}`),
      h('p', { id: 'proof-verify', class: r.verify.ok ? 'ok' : 'error' }, r.verify.ok ? `✔ verified: ${r.verify.checked.artifacts} artifacts, ${r.verify.checked.gate_results} gate results, ${r.verify.checked.events} events` : `✘ verify failed: ${r.verify.mismatches.length} mismatch(es)`),
      r.verify.ok ? null : h('ul', {}, r.verify.mismatches.map((m) => h('li', {}, JSON.stringify(m)))),
      d.proof.known_gaps.length ? h('ul', {}, d.proof.known_gaps.map((g) => h('li', {}, g))) : null,
      d.human.length ? h('ul', {}, d.human.map((x) => h('li', {}, `${x.kind} by ${x.by}: ${x.text}`))) : null,
      h('details', {}, h('summary', {}, 'proof.md'), h('pre', { class: 'proof' }, r.markdown)));
  } catch (e) {
    const p = h('p', { class: 'error' });
    say(p, e);
    fill(el, p);
  }
}
