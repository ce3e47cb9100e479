import { isKnownEventType, validateEventPayload } from './catalogue.js';
import { genesisHash, hashEnvelope, type EventEnvelope } from './envelope.js';
import type { ParsedLine } from './parse-log.js';

export type ChainProblemKind =
  | 'unparsable' // a line is not JSON or not envelope-shaped
  | 'torn_tail' // the last line has no trailing newline (interrupted write)
  | 'edited' // a line's hash does not match its content
  | 'broken_link' // prev is not the previous event's hash (or, at seq 1, not the goal's genesis)
  | 'gap' // seq jumps forward
  | 'out_of_order' // seq goes backwards, or repeats with a different hash
  | 'duplicate' // a line repeats an earlier line exactly
  | 'invalid_payload' // a known type whose payload does not match its schema
  | 'store_mismatch' // the log and the store disagree on an event
  | 'not_in_store' // the log holds an event the store does not
  | 'missing_tail' // the store holds events the log does not
  | 'store_chain'; // the store's own chain does not verify

export interface ChainProblem {
  kind: ChainProblemKind;
  /** 1-based line in events.jsonl, when the problem is on a line. */
  line?: number;
  seq?: number;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  /** Distinct well-formed events read. */
  events: number;
  /** Hash of the last accepted event; null for an empty log. */
  head: string | null;
  last_seq: number;
  /** In file order; the first one is the one to fix first. */
  problems: ChainProblem[];
  /** Events whose type this omk does not know (from a newer omk): kept, not an error. */
  unknown_types: Record<string, number>;
}

export interface VerifyOptions {
  goalId: string;
  /** Stop collecting after this many problems (later ones are usually consequences). @default 100 */
  maxProblems?: number;
}

/**
 * Verifies a goal's chain over parsed lines. Pure: the same lines always give the
 * same report. After a problem the walk re-synchronises on the offending line, so one
 * edit yields one problem rather than a cascade.
 */
export function verifyChain(lines: readonly ParsedLine[], options: VerifyOptions): ChainReport {
  const max = options.maxProblems ?? 100;
  const problems: ChainProblem[] = [];
  const unknown: Record<string, number> = {};
  const seen = new Map<number, string>();
  const push = (p: ChainProblem) => {
    if (problems.length < max) problems.push(p);
  };
  let expected = 1;
  let prev = genesisHash(options.goalId);
  let head: string | null = null;
  let lastSeq = 0;
  let events = 0;

  for (const entry of lines) {
    const { line } = entry;
    if (!entry.ok) {
      push(
        entry.torn
          ? { kind: 'torn_tail', line, message: `line ${line} is an incomplete last line (${entry.error})` }
          : { kind: 'unparsable', line, message: `line ${line} cannot be parsed: ${entry.error}` },
      );
      continue;
    }
    const env = entry.envelope;
    const at = { line, seq: env.seq };
    if (seen.get(env.seq) === env.hash) {
      push({ kind: 'duplicate', ...at, message: `line ${line} repeats seq ${env.seq}` });
      continue;
    }
    if (entry.torn) push({ kind: 'torn_tail', ...at, message: `line ${line} (seq ${env.seq}) has no trailing newline` });
    const problem = checkEvent(env, expected, prev, seen.has(env.seq));
    if (problem) push({ ...problem, ...at, message: `line ${line}: ${problem.message}` });
    if (problem?.kind !== 'out_of_order') {
      checkPayload(env, unknown, (message) => push({ kind: 'invalid_payload', ...at, message: `line ${line}: ${message}` }));
      seen.set(env.seq, env.hash);
      events += 1;
      prev = env.hash;
      expected = env.seq + 1;
      head = env.hash;
      lastSeq = env.seq;
    }
  }
  return { ok: problems.length === 0, events, head, last_seq: lastSeq, problems, unknown_types: unknown };
}

function checkEvent(
  env: EventEnvelope,
  expected: number,
  prev: string,
  seqSeen: boolean,
): { kind: ChainProblemKind; message: string } | undefined {
  if (hashEnvelope(env) !== env.hash) {
    return { kind: 'edited', message: `seq ${env.seq} was edited: its hash does not match its content` };
  }
  if (env.seq < expected || seqSeen) {
    return { kind: 'out_of_order', message: `seq ${env.seq} appears after seq ${expected - 1}` };
  }
  if (env.seq > expected) {
    return { kind: 'gap', message: `seq jumps from ${expected - 1} to ${env.seq} (missing ${expected}..${env.seq - 1})` };
  }
  if (env.prev !== prev) {
    return env.seq === 1
      ? { kind: 'broken_link', message: 'seq 1 does not start from this goal\'s genesis (log of another goal?)' }
      : { kind: 'broken_link', message: `seq ${env.seq}: prev is not the hash of seq ${env.seq - 1} (that event was changed or replaced)` };
  }
  return undefined;
}

function checkPayload(env: EventEnvelope, unknown: Record<string, number>, fail: (message: string) => void): void {
  if (!isKnownEventType(env.type)) {
    unknown[env.type] = (unknown[env.type] ?? 0) + 1;
    return;
  }
  const check = validateEventPayload(env.type, env.payload);
  if (!check.ok) fail(`seq ${env.seq} payload does not match its schema: ${check.message}`);
}

/**
 * Compares the log's events with the store's (both in seq order). The store is the
 * source of truth; the log may lag behind it (healed on next open) but never disagree.
 */
export function crossCheck(
  logEvents: ReadonlyArray<{ envelope: EventEnvelope; line?: number }>,
  storeEvents: readonly EventEnvelope[],
): ChainProblem[] {
  const bySeq = new Map(storeEvents.map((e) => [e.seq, e.hash]));
  const problems: ChainProblem[] = [];
  let maxSeq = 0;
  for (const { envelope: env, line } of logEvents) {
    maxSeq = Math.max(maxSeq, env.seq);
    const stored = bySeq.get(env.seq);
    const where = line === undefined ? `seq ${env.seq}` : `line ${line} (seq ${env.seq})`;
    if (stored === undefined) {
      problems.push({ kind: 'not_in_store', line, seq: env.seq, message: `${where} is not in the store` });
    } else if (stored !== env.hash) {
      problems.push({ kind: 'store_mismatch', line, seq: env.seq, message: `${where} differs from the store's event` });
    }
  }
  const behind = storeEvents.filter((e) => e.seq > maxSeq);
  if (behind.length > 0) {
    problems.push({
      kind: 'missing_tail',
      seq: behind[0]!.seq,
      message: `the log stops at seq ${maxSeq}; the store has ${behind.length} more event(s)`,
    });
  }
  return problems;
}
