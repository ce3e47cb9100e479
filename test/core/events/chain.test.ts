import { describe, expect, it } from 'vitest';
import { crossCheck, verifyChain } from '../../../src/core/events/chain.js';
import { buildEnvelope, envelopeLine, genesisHash, hashEnvelope, type EventEnvelope } from '../../../src/core/events/envelope.js';
import { parseEventLog } from '../../../src/core/events/parse-log.js';

const GOAL = 'g-0001';

function makeChain(goalId: string, n: number): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prev = genesisHash(goalId);
  for (let seq = 1; seq <= n; seq += 1) {
    const env = buildEnvelope({
      seq,
      ts: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      type: 'gate.transitioned',
      payload: { gate: `gate-${seq}`, from: 'pending', to: seq % 2 ? 'passed' : 'failed' },
      prev,
    });
    out.push(env);
    prev = env.hash;
  }
  return out;
}

const text = (events: EventEnvelope[]) => events.map(envelopeLine).join('');
const verifyText = (t: string, goalId = GOAL) => verifyChain(parseEventLog(t).lines, { goalId });

describe('envelope', () => {
  it('hashes the canonical form, so key order does not matter', () => {
    const a = hashEnvelope({ seq: 1, ts: 't', type: 'x', payload: { b: 1, a: 2 }, prev: 'p' });
    const b = hashEnvelope({ seq: 1, ts: 't', type: 'x', payload: { a: 2, b: 1 }, prev: 'p' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives the genesis from the goal id', () => {
    expect(genesisHash('a')).not.toBe(genesisHash('b'));
    expect(makeChain('a', 1)[0]!.prev).toBe(genesisHash('a'));
  });

  it('writes one line per event, seq first, that parses back to the same envelope', () => {
    const [env] = makeChain(GOAL, 1);
    const line = envelopeLine(env!);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.startsWith('{"seq":1,')).toBe(true);
    expect(JSON.parse(line)).toEqual(env);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const events = makeChain(GOAL, 5);
    const report = verifyText(text(events));
    expect(report).toMatchObject({ ok: true, events: 5, head: events[4]!.hash, last_seq: 5, problems: [] });
  });

  it('accepts an empty log', () => {
    expect(verifyText('')).toMatchObject({ ok: true, events: 0, head: null });
  });

  it('detects one edited byte in a payload', () => {
    const t = text(makeChain(GOAL, 4)).replace('gate-3', 'gate-X');
    const report = verifyText(t);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'edited', line: 3, seq: 3 });
    expect(report.problems).toHaveLength(1); // re-synchronised: no cascade
  });

  it('detects a deleted line as a gap', () => {
    const events = makeChain(GOAL, 5);
    const report = verifyText(text([...events.slice(0, 2), ...events.slice(3)]));
    expect(report.problems[0]).toMatchObject({ kind: 'gap', line: 3, seq: 4 });
    expect(report.problems[0]!.message).toContain('from 2 to 4');
  });

  it('detects swapped lines', () => {
    const e = makeChain(GOAL, 5);
    const report = verifyText(text([e[0]!, e[1]!, e[3]!, e[2]!, e[4]!]));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'gap', line: 3, seq: 4 });
    expect(report.problems.map((p) => p.kind)).toContain('out_of_order');
  });

  it('detects a line edited with a recomputed hash as a broken link on the next line', () => {
    const e = makeChain(GOAL, 4);
    const forged = buildEnvelope({ ...e[1]!, payload: { gate: 'forged', from: 'pending', to: 'passed' } });
    const report = verifyText(text([e[0]!, forged, e[2]!, e[3]!]));
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'broken_link', line: 3, seq: 3 })]);
  });

  it('counts and reports duplicated lines', () => {
    const e = makeChain(GOAL, 3);
    const parsed = parseEventLog(text([e[0]!, e[1]!, e[1]!, e[2]!]));
    expect(parsed.stats.duplicates).toBe(1);
    expect(parsed.events).toHaveLength(3);
    const report = verifyChain(parsed.lines, { goalId: GOAL });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'duplicate', line: 3, seq: 2 })]);
    expect(report.events).toBe(3);
  });

  it('reports a torn last line and keeps the events before it', () => {
    const full = text(makeChain(GOAL, 3));
    const report = verifyText(full.slice(0, full.length - 20));
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'torn_tail', line: 3 })]);
    expect(report.events).toBe(2);
  });

  it('reports an unparsable line with its line number', () => {
    const lines = text(makeChain(GOAL, 3)).split('\n');
    lines[1] = 'not json at all';
    const parsed = parseEventLog(lines.join('\n'));
    expect(parsed.stats.parse_failures).toBe(1);
    expect(verifyChain(parsed.lines, { goalId: GOAL }).problems[0]).toMatchObject({ kind: 'unparsable', line: 2 });
  });

  it('refuses a chain moved under another goal', () => {
    const report = verifyText(text(makeChain('other-goal', 2)));
    expect(report.problems[0]).toMatchObject({ kind: 'broken_link', seq: 1 });
  });

  it('counts unknown event types without failing, and fails schema-invalid known payloads', () => {
    const a = buildEnvelope({ seq: 1, ts: 't', type: 'future.thing', payload: { x: 1 }, prev: genesisHash(GOAL) });
    const b = buildEnvelope({ seq: 2, ts: 't', type: 'goal.failed', payload: { nope: true }, prev: a.hash });
    const report = verifyText(text([a, b]));
    expect(report.unknown_types).toEqual({ 'future.thing': 1 });
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'invalid_payload', seq: 2 })]);
  });
});

describe('crossCheck', () => {
  it('finds disagreements with the store and a lagging tail', () => {
    const store = makeChain(GOAL, 4);
    const log = makeChain(GOAL, 3).map((envelope, i) => ({ envelope, line: i + 1 }));
    log[1] = { envelope: { ...log[1]!.envelope, hash: 'f'.repeat(64) }, line: 2 };
    const problems = crossCheck(log, store);
    expect(problems.map((p) => p.kind)).toEqual(['store_mismatch', 'missing_tail']);
    expect(problems[1]).toMatchObject({ seq: 4 });
  });

  it('finds events the store does not have', () => {
    const log = makeChain(GOAL, 2).map((envelope) => ({ envelope }));
    expect(crossCheck(log, [])[0]).toMatchObject({ kind: 'not_in_store', seq: 1 });
  });
});
