/// <reference lib="dom" />
import { AgentsPanel, type LiveMessage } from './agents.js';
import { getJson } from './api.js';
import type { CostPoint } from './chart.js';
import { ago, fill, h } from './dom.js';
import { budgetSection, controls, costSection, diffsSection, gatesSection, graphSection, proofSection, reviewSection, showDiff, showGateRun, type Details } from './sections.js';

interface Entry {
  seq: number;
  ts: string;
  type: string;
  summary: string;
  task_id: string | null;
  latest: boolean;
}

/** Refreshes of the view are coalesced: a burst of events costs one read. */
const REFRESH_MS = 250;
/** A stream the server closed for good is reopened (from the last seq) after this long. */
const REOPEN_MS = 1000;

const SECTIONS = [
  ['agents', 'Agents'],
  ['graph', 'Tasks'],
  ['timeline', 'Timeline'],
  ['gates', 'Gates'],
  ['diffs', 'Diffs'],
  ['cost', 'Cost'],
  ['budget', 'Budget'],
  ['review', 'Review'],
  ['proof', 'Proof'],
] as const;

/**
 * `/goals/ID`: the goal's view (re-read after events), its timeline over SSE (each event once: the
 * stream resumes after the last seq seen), the running agents live, and the controls. Each section has
 * an anchor (`#gates`, `#gate-RUN`, `#diff-TASK`, …) so any of it can be linked to.
 */
export function goalPage(root: HTMLElement, id: string): void {
  const el = Object.fromEntries(SECTIONS.map(([k]) => [k, h('div', { class: 'body' })])) as Record<(typeof SECTIONS)[number][0], HTMLElement>;
  const head = h('div', { id: 'goal-head' });
  const ctl = h('div');
  const stream = h('span', { id: 'stream-state', class: 'muted' }, 'connecting…');
  const timeline = h('ol', { id: 'events', class: 'timeline' });
  el.timeline.append(timeline);
  fill(root,
    h('header', { class: 'top' }, h('a', { href: '/' }, 'omk'), h('span', {}, ' / '), h('strong', {}, id), stream),
    head, ctl,
    h('nav', { class: 'sections' }, SECTIONS.map(([k, label]) => h('a', { href: `#${k}` }, label))),
    SECTIONS.map(([k, label]) => h('section', { class: 'card', id: k }, h('h2', {}, h('a', { href: `#${k}`, class: 'anchor' }, label)), el[k])),
  );
  const agents = new AgentsPanel(el.agents);
  agents.draw();

  let lastSeq = 0;
  let duplicates = 0;
  let details: Details | undefined;
  let costTurns = -1;
  let proofShown = '';
  let gateOpen: string | null = null;
  let diffOpen: string | null = null;

  const openFromHash = (): void => {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash.startsWith('gate-')) {
      gateOpen = hash.slice(5);
      void showGateRun(id, gateOpen);
    } else if (hash.startsWith('diff-')) {
      diffOpen = hash.slice(5);
      void showDiff(id, diffOpen);
    }
    document.getElementById(hash.startsWith('gate-') ? 'gates' : hash.startsWith('diff-') ? 'diffs' : hash)?.scrollIntoView();
  };
  window.addEventListener('hashchange', openFromHash);

  const render = async (): Promise<void> => {
    let d: Details;
    try {
      d = await getJson<Details>(`/api/goals/${encodeURIComponent(id)}`);
    } catch (e) {
      fill(head, h('p', { class: 'error' }, `Could not load goal ${id}: ${(e as Error).message}`));
      return;
    }
    const first = details === undefined;
    details = d;
    fill(head, h('section', { class: 'card' },
      h('h1', {}, h('span', { class: `badge st-${d.status}`, id: 'goal-status' }, d.status), ' ', d.request),
      h('p', { class: 'muted' }, `${d.type ?? 'type pending'} · phase ${d.phase} · created ${ago(d.created_at)} · ${d.events} events${d.base ? ` · base ${d.base.ref} ${d.base.sha.slice(0, 10)}` : ''}${d.controller ? ` · controller pid ${d.controller.pid} ${d.controller.alive ? 'alive' : 'gone'}` : ''}${d.control.requested ? ` · ${d.control.requested.kind} requested by ${d.control.requested.by}` : ''}`)));
    fill(ctl, controls(id, d, schedule));
    agents.seed(d.workers);
    fill(el.graph, graphSection(id, d));
    fill(el.gates, gatesSection(id, d, (r) => (gateOpen = r)));
    fill(el.diffs, diffsSection(id, d, (t) => (diffOpen = t)));
    fill(el.budget, budgetSection(d));
    fill(el.review, reviewSection(d));
    if (gateOpen) void showGateRun(id, gateOpen);
    if (diffOpen) void showDiff(id, diffOpen);
    if (d.cost.turns !== costTurns) {
      costTurns = d.cost.turns;
      const { points } = await getJson<{ points: CostPoint[] }>(`/api/goals/${encodeURIComponent(id)}/cost`).catch(() => ({ points: [] as CostPoint[] }));
      fill(el.cost, costSection(points, d));
    }
    const proofKey = d.proof ? `${d.proof.written_at}|${d.human.length}` : '';
    if (proofKey !== proofShown) {
      proofShown = proofKey;
      await proofSection(id, d, el.proof);
    } else if (!d.proof) fill(el.proof, h('p', { class: 'muted' }, 'No proof yet.'));
    if (first && location.hash) openFromHash();
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  function schedule(): void {
    timer ??= setTimeout(() => {
      timer = undefined;
      void render();
    }, REFRESH_MS);
  }

  const pending: Entry[] = [];
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    const frag = document.createDocumentFragment();
    for (const e of pending.splice(0)) {
      frag.append(h('li', { 'data-seq': e.seq, 'data-type': e.type, class: `ev ev-${e.type.split('.')[0]}` }, h('span', { class: 'seq' }, String(e.seq)), h('time', { datetime: e.ts, title: e.ts }, e.ts.slice(11, 19)), h('span', { class: 'type' }, e.type), h('span', { class: 'summary' }, e.summary)));
    }
    timeline.append(frag);
    timeline.dataset.last = String(lastSeq);
    timeline.dataset.duplicates = String(duplicates);
  };

  const connect = (): void => {
    const es = new EventSource(`/api/goals/${encodeURIComponent(id)}/stream${lastSeq > 0 ? `?after=${lastSeq}` : ''}`);
    es.addEventListener('open', () => (stream.textContent = 'live'));
    es.addEventListener('event', (m) => {
      const e = JSON.parse((m as MessageEvent<string>).data) as Entry;
      // The server resumes after the last seq; anything at or below it would be a duplicate, and is counted.
      if (e.seq <= lastSeq) {
        duplicates++;
        timeline.dataset.duplicates = String(duplicates);
        return;
      }
      lastSeq = e.seq;
      pending.push(e);
      if (!flushing) {
        flushing = true;
        requestAnimationFrame(flush);
      }
      if (e.latest) schedule();
    });
    es.addEventListener('live', (m) => agents.live(JSON.parse((m as MessageEvent<string>).data) as LiveMessage));
    es.addEventListener('error', () => {
      stream.textContent = 'reconnecting…';
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        setTimeout(connect, REOPEN_MS);
      }
    });
  };
  void render().then(connect);
}
