import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEventLog } from '../../../src/runtime/events/reader.js';
import { verifyEventLog } from '../../../src/runtime/events/verify-log.js';
import { fakeClock, openIn, seedGoal, tempRepo, type TempRepo } from '../store/helpers.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

async function goalWithEvents(n: number) {
  repo = tempRepo();
  const store = await openIn(repo, { now: fakeClock().now });
  await seedGoal(store, 'g1', n - 1);
  const file = store.eventsFile('g1');
  const original = readFileSync(file, 'utf8');
  await store.close();
  return { file, original };
}

describe('healing events.jsonl from the store', () => {
  it('re-appends a tail lost between commit and mirror when the store is reopened', async () => {
    const { file, original } = await goalWithEvents(5);
    const lines = original.split('\n').filter(Boolean);
    writeFileSync(file, lines.slice(0, 3).map((l) => `${l}\n`).join('')); // the crash ate seq 4 and 5
    const store = await openIn(repo);
    expect(readFileSync(file, 'utf8')).toBe(original);
    await store.close();
  });

  it('recreates a deleted log', async () => {
    const { file, original } = await goalWithEvents(3);
    rmSync(file);
    const store = await openIn(repo, { healOnOpen: false });
    const report = await store.healEventLog('g1');
    expect(report).toMatchObject({ logSeq: 0, appended: 3, tornSavedTo: undefined });
    expect(readFileSync(file, 'utf8')).toBe(original);
    await store.close();
  });

  it('saves a torn last line aside, cuts it, and restores the event from the store', async () => {
    const { file, original } = await goalWithEvents(4);
    const torn = original.slice(0, original.length - 30); // the last write was interrupted
    writeFileSync(file, torn);
    const fragment = torn.slice(torn.lastIndexOf('\n') + 1);
    const store = await openIn(repo, { healOnOpen: false });
    const report = await store.healEventLog('g1');
    expect(report.appended).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(report.tornSavedTo).toBeDefined();
    expect(readFileSync(report.tornSavedTo!, 'utf8')).toBe(fragment); // never silently discarded
    expect(readdirSync(path.dirname(file)).filter((f) => f.includes('.torn-'))).toHaveLength(1);
    await store.close();
  });

  it('does not rewrite a log edited in the middle: verify reports it instead', async () => {
    const { file, original } = await goalWithEvents(4);
    const edited = original.replace('"gate":"g1"', '"gate":"gX"');
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    const store = await openIn(repo);
    expect(readFileSync(file, 'utf8')).toBe(edited);
    const report = verifyEventLog({ file, goalId: 'g1', storeEvents: await store.readEvents('g1') });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'edited', line: 3, seq: 3 })]);
    await store.close();
  });

  it('keeps appending after healing, so the chain stays whole', async () => {
    const { file, original } = await goalWithEvents(3);
    writeFileSync(file, original.slice(0, original.length - 5));
    const store = await openIn(repo);
    await store.transaction((tx) => tx.appendEvent('g1', 'goal.failed', { reason: 'r' }));
    const report = verifyEventLog({ file, goalId: 'g1', storeEvents: await store.readEvents('g1') });
    expect(report).toMatchObject({ ok: true, events: 4 });
    await store.close();
  });
});

describe('readEventLog', () => {
  it('counts parse failures, duplicates and a torn tail instead of throwing', async () => {
    const { file, original } = await goalWithEvents(3);
    const [l1, l2, l3] = original.split('\n');
    writeFileSync(file, `${l1}\n{garbage\n${l2}\n${l2}\n${l3}\n`);
    appendFileSync(file, '{"seq":4,"ts":"2025');
    const read = readEventLog(file);
    expect(read.stats).toEqual({ lines: 6, parse_failures: 2, duplicates: 1, torn_tail: true });
    expect(read.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('reads a missing file as an empty log', () => {
    repo = tempRepo();
    const read = readEventLog(path.join(repo.dir, 'nope.jsonl'));
    expect(read).toMatchObject({ exists: false, events: [], stats: { lines: 0 } });
  });
});
