import type { EventEnvelope } from '../../events/envelope.js';
import type { ParseStats } from '../../events/parse-log.js';

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

type P = Record<string, unknown>;
const s = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const short = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 12) : s(v));
const list = (v: unknown): string => (Array.isArray(v) ? v.map(s).join(', ') : s(v));
/** `, team 3:executor` for a team run's intake; nothing for any other goal. */
const team = (v: unknown): string => (v && typeof v === 'object' ? `, team ${s((v as P).workers)}:${s((v as P).role)}` : '');

/** One line saying what the event means. Unknown types show their payload keys. */
export function summarizeEvent(type: string, payload: unknown): string {
  const p = (payload ?? {}) as P;
  switch (type) {
    case 'goal.created':
      return `goal created: ${JSON.stringify(s(p.prompt).slice(0, 120))}`;
    case 'goal.status_changed':
      return `status ${s(p.from)} -> ${s(p.to)}${p.reason ? ` (${s(p.reason)})` : ''}`;
    case 'goal.intake_assessed':
      return `intake: ${s(p.type)} (confidence ${s(p.confidence)}), ${p.testable ? 'testable' : 'NOT testable'}, oracle [${list((p.oracle as P | undefined)?.gates ?? [])}], base ${short(p.base_sha)}${team(p.team)}`;
    case 'goal.question_asked':
      return `question for a human: ${s(p.question)}`;
    case 'engine.unavailable':
      return `${s(p.role)} engine ${s(p.engine)} unavailable (${s(p.kind)}): ${s(p.detail)}`;
    case 'decision.recorded':
      return `decision [${s(p.topic)}]: ${s(p.choice)} — ${s(p.reason)}`;
    case 'goal.planned':
      return `planned by ${s(p.planner)}${p.engine ? ` (${s(p.engine)})` : ''}: ${Array.isArray(p.tasks) ? p.tasks.length : 0} task(s) after ${s(p.asks)} ask(s)`;
    case 'baseline.completed':
      return `baseline on ${short(p.base_sha)}: passed [${list(p.passed)}], failed [${list(p.failed)}]`;
    case 'gate.started':
      return `gate ${s(p.gate)} started on tree ${short(p.tree_sha)}`;
    case 'gate.finished':
      return `gate ${s(p.gate)} ${s(p.outcome)} (exit ${s(p.exit_code)})`;
    case 'gate.run_recorded':
      return `gate ${s(p.gate)} [${s(p.scope)}${p.task_id ? ` ${s(p.task_id)}` : ''}] ${p.passed ? 'PASS' : 'FAIL'} on tree ${short(p.tree_sha)}`;
    case 'task.started':
      return `task ${s(p.task_id)} attempt ${s(p.attempt)} started (lease ${s(p.token)}, ${s(p.branch)})`;
    case 'task.attempt_finished':
      return `task ${s(p.task_id)} attempt ${s(p.attempt)}: ${s(p.outcome)}${p.commit ? `, commit ${short(p.commit)}` : ''}${Array.isArray(p.rejected_files) && p.rejected_files.length > 0 ? `, rejected [${list(p.rejected_files)}]` : ''}`;
    case 'task.completed':
      return `task ${s(p.task_id)} done after ${s(p.attempts)} attempt(s)`;
    case 'task.failed':
      return `task ${s(p.task_id)} failed after ${s(p.attempts)} attempt(s): ${s(p.reason)}`;
    case 'task.lease_expired':
      return `lease on task ${s(p.task_id)} expired (owner ${s(p.owner)})`;
    case 'goal.stalled':
      return `task ${s(p.task_id)} stalled: ${Array.isArray(p.findings) ? p.findings.map((f) => s((f as { message?: unknown }).message)).join('; ') : ''}`;
    case 'goal.round_started':
      return `round ${s(p.round)} started: re-queued [${list(p.requeued)}] (${s(p.reason)})`;
    case 'integration.merged':
      return `merged ${s(p.task_id)} (${short(p.source_sha)}) -> ${short(p.head_sha)}`;
    case 'integration.conflicted':
      return `merge of ${s(p.task_id)} conflicted on [${list(p.paths)}]`;
    case 'integration.completed':
      return `integration head ${short(p.head_sha)} with [${list(p.merged)}]`;
    case 'review.completed': {
      const sections = Object.entries((p.sections ?? {}) as Record<string, unknown>).map(([k, v]) => `${k}=${s(v)}`);
      return `review of ${short(p.reviewed_sha)}: ${sections.join(' ')}`;
    }
    case 'proof.written':
      return `proof: ${s(p.status)} — ${s(p.readiness)}`;
    case 'approval.decided':
      return `approval ${s(p.decision)} ${s(p.tool_kind)}: ${s(p.summary)} [${s(p.rule)}]`;
    case 'cost.recorded':
      return `cost ${s(p.source)}: ${s(p.tokens_in)} in, ${s(p.tokens_out)} out, $${Number(p.usd ?? 0).toFixed(4)}`;
    default:
      return `${Object.keys(p).sort().join(', ')}`;
  }
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
