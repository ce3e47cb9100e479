import { crossCheck, verifyChain, type ChainProblem } from '../../core/events/chain.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import type { ParsedLine } from '../../core/events/parse-log.js';
import type { HealReport } from './jsonl-mirror.js';
import { readEventLog } from './reader.js';

/** The result of `omk events verify`, also its `--json` output (docs/event-log.md). */
export interface EventLogReport {
  goal_id: string;
  ok: boolean;
  /** Distinct events in the log. */
  events: number;
  /** Hash of the last event in the log; null when empty. */
  head: string | null;
  problems: ChainProblem[];
  stats: {
    parse_failures: number;
    duplicates: number;
    torn_tail: boolean;
    unknown_types: Record<string, number>;
  };
  /** Events in the store, when it was consulted. */
  store_events?: number;
  /** What healing did before verifying, when it ran and changed something. */
  healed?: { appended: number; torn_saved_to?: string };
}

export interface VerifyLogInput {
  file: string;
  goalId: string;
  /** The store's events for the goal; omit to verify the file alone. */
  storeEvents?: readonly EventEnvelope[];
  /** The heal that ran just before, if any (reported, and a torn tail it fixed counts in stats). */
  heal?: HealReport;
}

/** Reads and verifies a goal's events.jsonl, then cross-checks it against the store's copy. */
export function verifyEventLog(input: VerifyLogInput): EventLogReport {
  const read = readEventLog(input.file);
  const chain = verifyChain(read.lines, { goalId: input.goalId });
  const problems = [...chain.problems];
  let storeEvents: number | undefined;
  if (input.storeEvents) {
    storeEvents = input.storeEvents.length;
    const withLines = read.lines.flatMap((l) => (l.ok ? [{ envelope: l.envelope, line: l.line }] : []));
    problems.push(...dedupe(crossCheck(withLines, input.storeEvents)));
    problems.push(...verifyStoreChain(input.goalId, input.storeEvents));
  }
  const healed = input.heal && (input.heal.appended > 0 || input.heal.tornSavedTo) ? input.heal : undefined;
  return {
    goal_id: input.goalId,
    ok: problems.length === 0,
    events: chain.events,
    head: chain.head,
    problems,
    stats: {
      parse_failures: read.stats.parse_failures,
      duplicates: read.stats.duplicates,
      torn_tail: read.stats.torn_tail || healed?.tornSavedTo !== undefined,
      unknown_types: chain.unknown_types,
    },
    ...(storeEvents === undefined ? {} : { store_events: storeEvents }),
    ...(healed
      ? { healed: { appended: healed.appended, ...(healed.tornSavedTo ? { torn_saved_to: healed.tornSavedTo } : {}) } }
      : {}),
  };
}

/** Duplicated lines are already reported by the chain walk; report each seq once here. */
function dedupe(problems: ChainProblem[]): ChainProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.kind}:${p.seq ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function verifyStoreChain(goalId: string, events: readonly EventEnvelope[]): ChainProblem[] {
  const lines: ParsedLine[] = events.map((envelope, i) => ({ line: i + 1, ok: true, envelope, torn: false }));
  return verifyChain(lines, { goalId }).problems.map((p) => ({
    kind: 'store_chain',
    ...(p.seq === undefined ? {} : { seq: p.seq }),
    message: `the store's own chain: ${p.message.replace(/^line \d+: /, '')}`,
  }));
}
