import type { EventEnvelope } from '../../core/events/envelope.js';
import { foldGoalLog, type GoalLog } from '../../core/goal/controller/goal-log.js';
import { ageText, type WorkerView } from '../goal/worker-beacon.js';

/**
 * Statuses after which no controller is running the goal: the verdicts, `cancelled`, and `paused`
 * (its controller stopped; `omk goal resume` starts a new run, which can be watched again).
 */
export const WATCH_END_STATUSES: ReadonlySet<string> = new Set([
  'ready',
  'not_ready',
  'blocked_on_human',
  'blocked_on_external',
  'needs_more_budget',
  'failed_infra',
  'cancelled',
  'paused',
]);

/** The goal's status as its log tells it (last `goal.status_changed`), if any. */
export function watchedStatus(log: GoalLog): string | undefined {
  if (log.cancelled) return 'cancelled';
  return log.status;
}

/** One line for a terminal: phase, the running task and attempt, the last gate result, cost so far. */
export function watchStatusLine(events: readonly EventEnvelope[], workers: readonly WorkerView[] = [], now: Date = new Date()): string {
  const log = foldGoalLog(events);
  const parts = [`status ${watchedStatus(log) ?? 'created'}${log.round > 1 ? ` (round ${log.round})` : ''}`];
  // Every running agent, with what it is doing now, so a parallel run never looks idle.
  for (const t of [...log.tasks.values()].filter((x) => x.running)) {
    const w = workers.find((v) => v.task_id === t.id && v.attempt === t.running!.attempt);
    parts.push(`${t.id}#${t.running!.attempt}${w ? ` ${w.activity ?? 'starting'} (hb ${ageText(w.heartbeat_at, now)}, ${w.tokens} tok)` : ''}`);
  }
  const done = [...log.tasks.values()].filter((t) => t.result === 'done').length;
  if (log.tasks.size > 0) parts.push(`${done}/${log.tasks.size} task(s) done`);
  const gate = log.gateRuns[log.gateRuns.length - 1];
  if (gate) parts.push(`last gate ${gate.gate} ${gate.passed ? 'PASS' : 'FAIL'}`);
  parts.push(`cost $${log.cost.usd.toFixed(4)}`);
  parts.push(`${log.lastSeq} event(s)`);
  return parts.join(' · ');
}

/**
 * The status line cut to the terminal's width, ending in `…` when cut. `\r\x1b[2K` clears only the
 * cursor's row, so a line that wrapped would leave its first rows behind on every redraw. One column
 * is kept free so the line never reaches the last column (some terminals wrap there at once).
 * Control characters (a newline in an agent's activity text) become spaces. Without a width (not a
 * terminal, or it does not say) the line is not cut.
 */
export function fitStatusLine(line: string, columns: number | undefined): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  if (columns === undefined || !Number.isFinite(columns) || columns < 2) return clean;
  const room = Math.floor(columns) - 1;
  let width = 0;
  for (const ch of clean) width += charWidth(ch.codePointAt(0)!);
  if (width <= room) return clean;
  let out = '';
  width = 0;
  for (const ch of clean) {
    const w = charWidth(ch.codePointAt(0)!);
    if (width + w > room - 1) break; // leave a column for the ellipsis
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** Columns a code point takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}
