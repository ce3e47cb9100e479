/// <reference lib="dom" />
import { getJson } from './api.js';
import { ago, fill, h, num, usd } from './dom.js';

import type { GoalRow } from '../routes.js';

const REFRESH_MS = 3000;

/** `/`: every goal of the repository, newest first, filtered by status and text (kept in the address: a deep link). */
export function goalsList(root: HTMLElement): void {
  const params = new URLSearchParams(location.search);
  let rows: GoalRow[] = [];
  const status = h('select', { id: 'filter-status', 'aria-label': 'status filter', onchange: () => draw() }, h('option', { value: '' }, 'all statuses'));
  const text = h('input', { id: 'filter-text', type: 'search', placeholder: 'filter by request or id', value: params.get('q') ?? '', oninput: () => draw() }) as HTMLInputElement;
  const table = h('tbody', { id: 'goals' });
  const error = h('p', { class: 'error', role: 'alert' });
  fill(
    root,
    h('header', { class: 'top' }, h('h1', {}, 'omk'), h('span', { class: 'muted' }, document.querySelector('meta[name="omk-repo"]')?.getAttribute('content') ?? '')),
    h('section', { class: 'card' }, h('div', { class: 'filters' }, status, text), error,
      h('table', { class: 'goals' }, h('thead', {}, h('tr', {}, ['goal', 'status', 'type', 'age', 'agents', 'tasks', 'cost', 'verdict'].map((c) => h('th', {}, c)))), table)),
  );

  function draw(): void {
    const want = (status as HTMLSelectElement).value;
    const q = text.value.trim().toLowerCase();
    const next = new URLSearchParams();
    if (want) next.set('status', want);
    if (q) next.set('q', q);
    history.replaceState(null, '', next.size ? `/?${next.toString()}` : '/');
    const shown = rows.filter((r) => (!want || r.status === want) && (!q || r.request.toLowerCase().includes(q) || r.goal_id.includes(q)));
    fill(
      table,
      shown.length === 0
        ? h('tr', {}, h('td', { colspan: 8, class: 'muted' }, rows.length === 0 ? 'No goals yet: start one with omk goal run "…"' : 'No goal matches the filter.'))
        : shown.map((r) =>
            h('tr', { 'data-goal': r.goal_id },
              h('td', {}, h('a', { class: 'id', href: `/goals/${encodeURIComponent(r.goal_id)}` }, r.goal_id), h('div', { class: 'request' }, r.request)),
              h('td', {}, h('span', { class: `badge st-${r.status}` }, r.status), r.needs_resume ? h('span', { class: 'badge warn' }, 'needs resume') : null),
              h('td', {}, r.type ?? '—'),
              h('td', { title: r.created_at, class: 'nowrap' }, ago(r.created_at)),
              h('td', {}, String(r.agents)),
              h('td', {}, `${r.tasks.done}/${r.tasks.total}`),
              h('td', { class: 'nowrap' }, `${usd(r.cost.usd)} · ${num(r.cost.tokens)} tok`),
              h('td', { title: r.verdict?.readiness ?? '' }, r.verdict ? h('span', { class: `badge st-${r.verdict.status}` }, r.verdict.status) : '—'),
            ),
          ),
    );
  }

  async function load(): Promise<void> {
    try {
      rows = (await getJson<{ goals: GoalRow[] }>('/api/goals')).goals;
      error.textContent = '';
      const statuses = [...new Set(rows.map((r) => r.status))].sort();
      const current = (status as HTMLSelectElement).value || params.get('status') || '';
      fill(status, h('option', { value: '' }, 'all statuses'), [...new Set([...statuses, ...(current ? [current] : [])])].map((s) => h('option', { value: s, selected: s === current }, s)));
      draw();
    } catch (e) {
      error.textContent = `Could not load the goals: ${(e as Error).message}`;
    }
  }
  void load();
  setInterval(() => void load(), REFRESH_MS);
}
