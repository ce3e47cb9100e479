import type { EventEnvelope } from '../../events/envelope.js';
import type { ParseStats } from '../../events/parse-log.js';
import { summarizeEvent } from './event-summary.js';

export { summarizeEvent } from './event-summary.js';

/**
 * `omk goal replay`: the timeline rendered from events.jsonl. Pure and deterministic: the same
 * events and stats always give the same bytes (no clock, no locale, no terminal width).
 */
export type ReplayFormat = 'text' | 'json' | 'md';

export interface ReplayInput {
  goalId: string;
  events: readonly EventEnvelope[];
  stats: ParseStats;
  /** Only events with seq >= from. @default 1 */
  from?: number;
}

export function renderReplay(input: ReplayInput, format: ReplayFormat): string {
  const from = input.from ?? 1;
  const events = input.events.filter((e) => e.seq >= from);
  const { stats } = input;
  const footer = `${events.length} event(s) shown of ${input.events.length}; ${stats.parse_failures} unparsable line(s), ${stats.duplicates} duplicate(s)${stats.torn_tail ? ', torn last line' : ''}`;
  if (format === 'json') {
    const doc = {
      goal_id: input.goalId,
      from,
      events: events.map((e) => ({ seq: e.seq, ts: e.ts, type: e.type, summary: summarizeEvent(e.type, e.payload), payload: e.payload, hash: e.hash })),
      stats: { events: input.events.length, shown: events.length, parse_failures: stats.parse_failures, duplicates: stats.duplicates, torn_tail: stats.torn_tail },
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  if (format === 'md') {
    const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
    return [
      `# Timeline of goal ${input.goalId}`,
      '',
      '| seq | time | event | what happened |',
      '|---:|---|---|---|',
      ...events.map((e) => `| ${e.seq} | ${e.ts} | ${e.type} | ${cell(summarizeEvent(e.type, e.payload))} |`),
      '',
      `_${footer}._`,
      '',
    ].join('\n');
  }
  return [
    `goal ${input.goalId}`,
    ...events.map((e) => `${String(e.seq).padStart(4)}  ${e.ts}  ${e.type.padEnd(24)} ${summarizeEvent(e.type, e.payload).replace(/\s*\n\s*/g, ' ')}`),
    footer,
    '',
  ].join('\n');
}
