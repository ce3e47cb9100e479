import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GoalEvent } from '../../../src/core/events/envelope.js';
import { genesisHash, hashEnvelope } from '../../../src/core/events/envelope.js';
import type { EventType } from '../../../src/core/events/catalogue.js';
import { fakeClock, openIn, seedGoal, tempRepo, type TempRepo } from './helpers.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

describe('transactions and the event chain', () => {
  it('commits a state change and its event together, chained from the goal genesis', async () => {
    repo = tempRepo();
    const clock = fakeClock();
    const store = await openIn(repo, { now: clock.now });
    await seedGoal(store, 'g1');
    clock.advance(1000);
    await store.transaction(async (tx) => {
      const before = await tx.updateGoalStatus('g1', 'running');
      await tx.appendEvent('g1', 'goal.status_changed', { from: before.status, to: 'running' });
    });
    const events = await store.readEvents('g1');
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'goal.created'],
      [2, 'goal.status_changed'],
    ]);
    expect(events[0]!.prev).toBe(genesisHash('g1'));
    expect(events[1]!.prev).toBe(events[0]!.hash);
    for (const e of events) expect(hashEnvelope(e)).toBe(e.hash);
    expect(events[1]!.ts).toBe('2025-03-01T12:00:01.000Z');
    expect(await store.eventHead('g1')).toEqual({ seq: 2, hash: events[1]!.hash });
    expect((await store.getGoal('g1'))?.status).toBe('running');
    await store.close();
  });

  it('a throw inside the transaction leaves neither the state change nor the event', async () => {
    repo = tempRepo();
    const seen: GoalEvent[] = [];
    const store = await openIn(repo, { onCommitted: (events) => seen.push(...events) });
    await seedGoal(store, 'g1');
    await expect(
      store.transaction(async (tx) => {
        await tx.updateGoalStatus('g1', 'running');
        await tx.appendEvent('g1', 'goal.status_changed', { from: 'created', to: 'running' });
        throw new Error('boom after the event');
      }),
    ).rejects.toThrow('boom after the event');
    expect((await store.getGoal('g1'))?.status).toBe('created');
    expect((await store.eventHead('g1')).seq).toBe(1);
    expect(seen.map((e) => e.seq)).toEqual([1]);
    const lines = readFileSync(store.eventsFile('g1'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    await store.close();
  });

  it('mirrors committed events to events.jsonl and then to the subscriber, which may throw harmlessly', async () => {
    repo = tempRepo();
    const warnings: string[] = [];
    let calls = 0;
    const store = await openIn(repo, {
      onCommitted: () => {
        calls += 1;
        throw new Error('subscriber bug');
      },
      log: { warn: (m) => warnings.push(m) },
    });
    await seedGoal(store, 'g1', 2);
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(3);
    const lines = readFileSync(store.eventsFile('g1'), 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3]);
    await store.close();
  });

  it('redacts payloads before storing them', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await store.transaction(async (tx) => {
      await tx.createGoal({ id: 'g1', prompt: 'x' });
      await tx.appendEvent('g1', 'goal.failed', { reason: 'auth failed with OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwx' });
    });
    const [event] = await store.readEvents('g1');
    expect(JSON.stringify(event!.payload)).not.toContain('sk-abcdefghijklmnop');
    expect(readFileSync(store.eventsFile('g1'), 'utf8')).not.toContain('sk-abcdefghijklmnop');
    await store.close();
  });

  it('rejects an unknown type or an invalid payload as a programmer error, rolling back', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    await expect(
      store.transaction((tx) => tx.appendEvent('g1', 'no.such.type' as EventType, { reason: 'x' })),
    ).rejects.toMatchObject({ code: 'internal' });
    await expect(
      store.transaction(async (tx) => {
        await tx.updateGoalStatus('g1', 'running');
        await tx.appendEvent('g1', 'goal.failed', {} as never);
      }),
    ).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('goal.failed') });
    expect((await store.getGoal('g1'))?.status).toBe('created');
    expect((await store.eventHead('g1')).seq).toBe(1);
    await store.close();
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    const leaked = await store.transaction((tx) => Promise.resolve(tx));
    await expect(leaked.createGoal({ id: 'late', prompt: 'x' })).rejects.toMatchObject({ code: 'internal' });
    expect(await store.getGoal('late')).toBeUndefined();
    await store.close();
  });

  it('serialises concurrent transactions from one process into one gap-free chain', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction((tx) => tx.appendEvent('g1', 'gate.transitioned', { gate: `g${i}`, from: 'a', to: 'b' })),
      ),
    );
    expect((await store.readEvents('g1')).map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    await store.close();
  });
});

describe('goals, tasks and the cost ledger', () => {
  it('resolves an exact id, a unique prefix, latest, and lists candidates of an ambiguous prefix', async () => {
    repo = tempRepo();
    const clock = fakeClock();
    const store = await openIn(repo, { now: clock.now });
    for (const id of ['ab12', 'ab34', 'cd56']) {
      await store.transaction((tx) => tx.createGoal({ id, prompt: id }));
      clock.advance(1000);
    }
    expect((await store.resolveGoal('cd')).id).toBe('cd56');
    expect((await store.resolveGoal('ab12')).id).toBe('ab12');
    expect((await store.resolveGoal('latest')).id).toBe('cd56');
    await expect(store.resolveGoal('ab')).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringContaining('ab12, ab34'),
    });
    await expect(store.resolveGoal('zz')).rejects.toMatchObject({ code: 'not_found' });
    expect((await store.listGoals()).map((g) => g.id)).toEqual(['cd56', 'ab34', 'ab12']);
    await store.close();
  });

  it('latest with no goals says how to start one (`omk goal run`)', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await expect(store.resolveGoal('latest')).rejects.toMatchObject({
      code: 'not_found',
      message: 'there are no goals in this repository yet',
      hint: 'start one with `omk goal run "…"`',
    });
    await store.close();
  });

  it('refuses a goal id that could not name a directory', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await expect(store.transaction((tx) => tx.createGoal({ id: '../escape', prompt: 'x' }))).rejects.toMatchObject({
      code: 'internal',
    });
    expect(await store.listGoals()).toEqual([]);
    await store.close();
  });

  it('creates, lists and updates tasks', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    await store.transaction(async (tx) => {
      await tx.createTask({ goalId: 'g1', id: 't1', title: 'first' });
      await tx.createTask({ goalId: 'g1', id: 't2', title: 'second' });
      await tx.updateTaskStatus({ goalId: 'g1', taskId: 't2' }, 'cancelled');
    });
    expect((await store.listTasks('g1')).map((t) => [t.id, t.status])).toEqual([
      ['t1', 'queued'],
      ['t2', 'cancelled'],
    ]);
    await expect(
      store.transaction((tx) => tx.updateTaskStatus({ goalId: 'g1', taskId: 'nope' }, 'done')),
    ).rejects.toMatchObject({ code: 'not_found' });
    await store.close();
  });

  it('sums the cost ledger per goal and marks estimates', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await seedGoal(store, 'g1');
    await seedGoal(store, 'g2');
    await store.transaction(async (tx) => {
      const base = { engine: 'builtin', model: 'kimi-k2', tokensIn: 100, tokensOut: 20, usd: 0.01 };
      await tx.appendCost({ ...base, goalId: 'g1', taskId: 't1', tokensCached: 50, accuracy: 'exact' });
      await tx.appendCost({ ...base, goalId: 'g1', accuracy: 'estimated' });
      await tx.appendCost({ ...base, goalId: 'g2', accuracy: 'exact' });
    });
    const total = await store.costTotal('g1');
    expect(total).toMatchObject({ turns: 2, tokensIn: 200, tokensOut: 40, tokensCached: 50, estimated: true });
    expect(total.usd).toBeCloseTo(0.02);
    expect(await store.costTotal('g2')).toMatchObject({ turns: 1, estimated: false });
    expect(await store.costTotal('none')).toMatchObject({ turns: 0, usd: 0 });
    await store.close();
  });
});
