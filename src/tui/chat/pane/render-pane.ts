import { fitStatusLine } from '../../../core/format/fit-line.js';
import type { PaneState } from '../../../app/chat/index.js';
import { clock, money, tokens } from './pane-format.js';

/**
 * The engine pane as text: a pure function of the pane state (folded from the chat events and the
 * child goal's view), the layout, the terminal's size and the time — so every state can be rendered
 * to a golden file. Each line carries a tone the Ink view turns into a colour; the text alone reads
 * right without colour. Lines are cut to the width (never wrapped: a wrapped pane line would push the
 * input off a small screen).
 */
export type PaneLayout = 'collapsed' | 'compact' | 'expanded';

export type Tone = 'plain' | 'dim' | 'head' | 'ok' | 'bad' | 'busy' | 'warn';

export interface PaneLine {
  text: string;
  tone: Tone;
}

export interface PaneRenderOptions {
  layout: PaneLayout;
  columns: number;
  /** The most rows the pane may take (the rest of the screen is the conversation and the input). */
  rows: number;
  now: Date;
  /** Whether Tab was ever pressed: the collapsed hint is longer until it has been. */
  tabSeen?: boolean;
}

const MODE_WORD: Record<PaneState['mode'], string> = { idle: 'idle', answer: 'answering', edit: 'editing', plan: 'plan+workers', goal: 'goal-run' };
/** Below this many rows the expanded pane shows the compact summary instead. */
const EXPANDED_MIN_ROWS = 8;
const STEP_GLYPH = { done: '✓', running: '▸', pending: '□', failed: '✗' } as const;
const GATE_GLYPH = { pending: '⧗', running: '●', passed: '✓', failed: '✗' } as const;
const WORKER_GLYPH = { running: '●', done: '✓', failed: '✗' } as const;

export function renderPane(state: PaneState, opts: PaneRenderOptions): PaneLine[] {
  const lines = opts.layout === 'collapsed' ? [collapsedLine(state, opts)] : opts.layout === 'compact' ? compact(state, opts) : expanded(state, opts);
  return lines.map((l) => ({ ...l, text: fitStatusLine(l.text, opts.columns) }));
}

/**
 * `[engine] <session> · <mode> · workers a/t · N esc · $X · <hint>`. On a narrow terminal the least
 * useful parts go first (the hint, then the session id, the escalation count) rather than cutting the
 * line mid-word.
 */
function collapsedLine(state: PaneState, opts: PaneRenderOptions): PaneLine {
  const { active, total } = counts(state);
  const failed = state.gates.some((g) => g.state === 'failed');
  // [text, priority]: lower goes first when the line is too long.
  const parts: Array<[string, number]> = [
    ['[engine]', 9],
    [shortId(state.session), 2],
    [modeText(state), 8],
  ];
  if (total > 0) parts.push([`workers ${active}/${total}`, 7]);
  if (state.escalations.length > 0) parts.push([`${state.escalations.length} esc`, 3]);
  parts.push([money(totalUsd(state)), 6]);
  parts.push([failed ? 'Tab: a gate failed' : opts.tabSeen ? 'Tab' : 'Tab to expand', failed ? 5 : 1]);
  const room = opts.columns - 1;
  const text = () => parts.map(([t]) => t).join(' · ').replace('[engine] · ', '[engine] ');
  while ([...text()].length > room && parts.length > 2) {
    let low = 0;
    for (let i = 1; i < parts.length; i++) if (parts[i]![1] < parts[low]![1]) low = i;
    parts.splice(low, 1);
  }
  return { text: text(), tone: failed ? 'bad' : 'dim' };
}

function compact(state: PaneState, opts: PaneRenderOptions): PaneLine[] {
  const { active, total } = counts(state);
  const out: PaneLine[] = [header(state, opts)];
  if (state.decision) out.push(decisionLine(state));
  const summary: string[] = [];
  if (state.plan.length > 0) summary.push(`plan ${state.plan.filter((s) => s.state === 'done').length}/${state.plan.length} done`);
  if (total > 0) summary.push(`workers ${active}/${total}`);
  if (state.gates.length > 0) summary.push(`gates ${gateSummary(state)}`);
  if (state.escalations.length > 0) summary.push(`${state.escalations.length} esc (latest: ${state.escalations[0]!.summary})`);
  if (summary.length > 0) out.push({ text: summary.join(' · '), tone: 'plain' });
  out.push(costLine(state));
  return out.slice(0, Math.max(1, opts.rows));
}

/** Every section, hidden when empty; trimmed from the least urgent end when the screen is short. */
function expanded(state: PaneState, opts: PaneRenderOptions): PaneLine[] {
  // Too short a screen for sections: the compact summary says more in fewer rows.
  if (opts.rows < EXPANDED_MIN_ROWS) return compact(state, opts);
  const sections: Array<{ lines: PaneLine[]; keep: number }> = [];
  const top: PaneLine[] = [header(state, opts)];
  if (state.decision) top.push(decisionLine(state));
  sections.push({ lines: top, keep: top.length });
  if (state.decision) sections.push({ lines: [{ text: `  reason: ${state.decision.reason}`, tone: 'dim' }], keep: 0 });
  if (state.approval) sections.push({ lines: [{ text: `waiting for you: ${state.approval.question} (${state.approval.options.join('/')}, default ${state.approval.default})`, tone: 'warn' }], keep: 1 });
  for (const w of state.warnings.slice(-2)) sections.push({ lines: [{ text: `! ${w}`, tone: 'warn' }], keep: 1 });
  if (state.plan.length > 0) {
    sections.push({
      lines: [{ text: 'plan:', tone: 'head' }, ...state.plan.map((s) => ({ text: `  ${STEP_GLYPH[s.state]} ${s.title}`, tone: stepTone(s.state) }))],
      keep: 2,
    });
  }
  if (state.workers.length > 0) {
    const taskWidth = Math.max(10, Math.min(48, opts.columns - 30));
    sections.push({
      lines: [
        { text: 'workers:', tone: 'head' },
        ...state.workers.map((w) => ({
          text: `  ${WORKER_GLYPH[w.state]} ${w.id.padEnd(10)} ${truncate(w.task, taskWidth).padEnd(taskWidth)} ${w.state === 'running' ? clock(opts.now.getTime() - Date.parse(w.started_at)) : w.state}`,
          tone: w.state === 'failed' ? ('bad' as const) : w.state === 'running' ? ('busy' as const) : ('ok' as const),
        })),
      ],
      keep: 2,
    });
  }
  if (state.gates.length > 0) {
    sections.push({
      lines: [{ text: `gates: ${state.gates.map((g) => `${GATE_GLYPH[g.state]} ${g.name} ${g.state}`).join('   ')}`, tone: state.gates.some((g) => g.state === 'failed') ? 'bad' : 'plain' }],
      keep: 1,
    });
  }
  if (state.escalations.length > 0) {
    sections.push({
      lines: [{ text: 'escalations (newest first):', tone: 'head' }, ...state.escalations.map((e) => ({ text: `  ${e.at.slice(11, 19)}  ${e.summary}`, tone: 'dim' as const }))],
      keep: 2,
    });
  }
  sections.push({ lines: [costLine(state)], keep: 1 });
  sections.push({ lines: [{ text: 'Shift+Tab collapse · /help commands · Ctrl+C cancel', tone: 'dim' }], keep: 0 });
  return fitSections(sections, Math.max(1, opts.rows));
}

/**
 * Cuts the longest lists first (escalations, then plan, workers) down to `keep` lines plus a
 * `… N more` line, until everything fits; the header is always there.
 */
function fitSections(sections: Array<{ lines: PaneLine[]; keep: number }>, rows: number): PaneLine[] {
  const total = () => sections.reduce((n, s) => n + s.lines.length, 0);
  let excess = total() - rows;
  const order = [...sections.keys()].reverse();
  for (const i of order) {
    if (excess <= 0) break;
    const s = sections[i]!;
    const room = s.lines.length - Math.max(s.keep, 0);
    if (room <= 0) continue;
    if (s.keep === 0) {
      excess -= s.lines.length;
      s.lines = [];
      continue;
    }
    // Drop `cut` lines and add one `… N more`: a net saving of cut - 1.
    const cut = Math.min(room, excess + 1);
    if (cut < 2) continue;
    const keptLines = s.lines.slice(0, s.lines.length - cut);
    s.lines = [...keptLines, { text: `  … ${cut} more`, tone: 'dim' }];
    excess -= cut - 1;
  }
  return sections.flatMap((s) => s.lines).slice(0, rows);
}

function header(state: PaneState, opts: PaneRenderOptions): PaneLine {
  const goal = state.goal ?? (state.goal_id ? { id: state.goal_id, phase: null as string | null, status: null as string | null } : null);
  const parts = [`session ${shortId(state.session)}`, `mode ${modeText(state)}`];
  if (goal) parts.push(`goal ${goal.id}${goal.phase ? ` · ${goal.phase}` : ''}${goal.status && goal.phase === 'finished' ? ` (${goal.status})` : ''}`);
  const text = `── engine · ${parts.join(' · ')} `;
  return { text: text + '─'.repeat(Math.max(0, opts.columns - 1 - [...text].length)), tone: 'head' };
}

function decisionLine(state: PaneState): PaneLine {
  const d = state.decision!;
  return { text: `route: ${d.route}  conf ${d.confidence.toFixed(2)}  ·  ${d.latency_ms}ms  ·  ${d.source}`, tone: 'plain' };
}

function costLine(state: PaneState): PaneLine {
  const t = totalTokens(state);
  const goal = state.goal && state.goal.usd > 0 ? ` (goal ${money(state.goal.usd)})` : '';
  return { text: `cost: ${tokens(t.in)} in / ${tokens(t.out)} out  ·  ${money(totalUsd(state))}${goal}`, tone: 'dim' };
}

function modeText(state: PaneState): string {
  if (state.mode === 'idle' && state.busy) return 'routing';
  return MODE_WORD[state.mode];
}

function gateSummary(state: PaneState): string {
  const n = (s: string) => state.gates.filter((g) => g.state === s).length;
  return (['passed', 'running', 'failed', 'pending'] as const)
    .filter((s) => n(s) > 0)
    .map((s) => `${n(s)} ${s}`)
    .join(', ');
}

function stepTone(s: 'done' | 'running' | 'pending' | 'failed'): Tone {
  return s === 'done' ? 'ok' : s === 'running' ? 'busy' : s === 'failed' ? 'bad' : 'dim';
}

function counts(state: PaneState): { active: number; total: number } {
  return { active: state.workers.filter((w) => w.state === 'running').length, total: state.workers.length };
}

/** The session's own spending plus the child goal's (the goal reports its own through its view). */
function totalUsd(state: PaneState): number {
  return state.cost.usd + (state.goal?.usd ?? 0);
}

function totalTokens(state: PaneState): { in: number; out: number } {
  return { in: state.cost.tokens_in + (state.goal?.tokens_in ?? 0), out: state.cost.tokens_out + (state.goal?.tokens_out ?? 0) };
}

/** `c-20261207-110501-d0ab` → `…110501-d0ab`: the time and the random part tell sessions apart, the date rarely does. */
function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-11)}` : id;
}

function truncate(s: string, width: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > width ? `${one.slice(0, width - 1)}…` : one;
}
