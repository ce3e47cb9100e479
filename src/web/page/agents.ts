/// <reference lib="dom" />
// The server's own shapes, type-only: nothing of core reaches the page's bundle.
import type { LiveMessage } from '../../core/feed/feed.js';
import type { WorkerView } from '../../core/goal/view/goal-view.js';
import { ago, fill, h, num, usd } from './dom.js';

export type { LiveMessage, WorkerView };

interface Agent {
  key: string;
  label: string;
  engine: string;
  tool: string | null;
  toolStatus: string | null;
  tools: string[];
  text: string;
  heartbeat: string | null;
  tokens: number;
  usd: number;
  ended: boolean;
}

/** Streamed text kept per agent (the transcript keeps it all). */
const TEXT_TAIL = 4000;
/** Tool calls listed per agent. */
const TOOLS_KEPT = 12;

/**
 * The running agents: seeded from the view's workers, then kept live from the feed's messages — the
 * current tool call, the last ones, the streamed text, the last heartbeat, usage. An ended attempt's
 * card stays (greyed) until the view no longer lists it.
 */
export class AgentsPanel {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly el: HTMLElement) {}

  private agent(key: string, label: string, engine = ''): Agent {
    let a = this.agents.get(key);
    if (!a) this.agents.set(key, (a = { key, label, engine, tool: null, toolStatus: null, tools: [], text: '', heartbeat: null, tokens: 0, usd: 0, ended: false }));
    return a;
  }

  seed(workers: readonly WorkerView[]): void {
    const live = new Set(workers.map((w) => `${w.task_id}#${w.attempt}`));
    for (const [k, a] of this.agents) if (a.ended && !live.has(k)) this.agents.delete(k);
    for (const w of workers) {
      const a = this.agent(`${w.task_id}#${w.attempt}`, `${w.task_id} · attempt ${w.attempt}`, w.engine);
      a.engine ||= w.engine;
      a.heartbeat ??= w.heartbeat_at;
      if (a.tool === null && w.activity) a.tool = w.activity;
      a.tokens = Math.max(a.tokens, w.tokens);
      a.usd = Math.max(a.usd, w.usd);
    }
    this.draw();
  }

  live(m: LiveMessage): void {
    const key = m.task_id === null ? m.role : `${m.task_id}#${m.attempt ?? 0}`;
    const a = this.agent(key, m.task_id === null ? m.role : `${m.task_id} · attempt ${m.attempt ?? '?'}`);
    const act = m.activity;
    switch (act.kind) {
      case 'attempt':
        a.engine = act.engine;
        a.ended = act.state === 'ended';
        break;
      case 'heartbeat':
        a.heartbeat = m.ts;
        break;
      case 'text':
        a.text = (a.text + act.text).slice(-TEXT_TAIL);
        break;
      case 'tool_call': {
        const line = `${act.tool}: ${act.command ?? act.title}`;
        a.tool = line;
        a.toolStatus = act.status;
        if (act.status === 'started') a.tools = [...a.tools, line].slice(-TOOLS_KEPT);
        break;
      }
      case 'approval':
        a.tools = [...a.tools, `${act.decision} ${act.tool}: ${act.summary}`].slice(-TOOLS_KEPT);
        break;
      case 'usage':
        a.tokens = act.tokens_in + act.tokens_out;
        if (act.usd !== null) a.usd = act.usd;
        break;
    }
    this.draw();
  }

  draw(): void {
    const cards = [...this.agents.values()];
    fill(
      this.el,
      cards.length === 0
        ? h('p', { class: 'muted' }, 'No agent is running.')
        : cards.map((a) =>
            h('article', { class: `agent${a.ended ? ' ended' : ''}`, 'data-agent': a.key },
              h('header', {}, h('strong', {}, a.label), h('span', { class: 'muted' }, ` ${a.engine}`), h('span', { class: 'heartbeat', title: a.heartbeat ?? '' }, a.heartbeat ? `♥ ${ago(a.heartbeat)}` : '')),
              h('div', { class: 'tool' }, a.tool ? h('code', {}, a.tool) : h('span', { class: 'muted' }, 'no tool call yet'), a.toolStatus ? h('span', { class: `badge tc-${a.toolStatus}` }, a.toolStatus) : null),
              a.tools.length ? h('ol', { class: 'tools' }, a.tools.map((t) => h('li', {}, t))) : null,
              a.text ? h('pre', { class: 'stream' }, a.text) : null,
              h('footer', { class: 'muted' }, `${num(a.tokens)} tokens · ${usd(a.usd)}`),
            ),
          ),
    );
  }
}
