import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock, openIn, seedGoal, tempRepo, type TempRepo } from './helpers.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const T = { goalId: 'g1', taskId: 't1' };

async function setup() {
  repo = tempRepo();
  const clock = fakeClock();
  const store = await openIn(repo, { now: clock.now });
  await seedGoal(store, 'g1');
  await store.transaction((tx) => tx.createTask({ goalId: 'g1', id: 't1', title: 'do it' }));
  return { store, clock };
}

describe('leases and fencing', () => {
  it('grants one lease at a time with an increasing token and renews it', async () => {
    const { store, clock } = await setup();
    const first = await store.transaction((tx) => tx.acquireLease(T, 'w1', 30_000));
    expect(first).toMatchObject({ ok: true, lease: { owner: 'w1', token: 1, expiresAt: '2025-03-01T12:00:30.000Z' } });
    expect(await store.transaction((tx) => tx.acquireLease(T, 'w2', 30_000))).toEqual({
      ok: false,
      reason: 'held',
      holder: 'w1',
    });
    clock.advance(20_000);
    const renewed = await store.transaction((tx) => tx.renewLease({ ...T, owner: 'w1', token: 1 }, 30_000));
    expect(renewed).toMatchObject({ ok: true, lease: { expiresAt: '2025-03-01T12:00:50.000Z' } });
    const done = await store.transaction((tx) => tx.releaseLease({ ...T, owner: 'w1', token: 1 }, 'done'));
    expect(done.ok).toBe(true);
    expect(await store.getTask(T)).toMatchObject({ status: 'done', attempts: 1, fence: 1 });
    expect(await store.getLease(T)).toBeUndefined();
    await store.close();
  });

  it('an expired lease does not re-queue a task that was settled meanwhile', async () => {
    const { store, clock } = await setup();
    await store.transaction((tx) => tx.acquireLease(T, 'w1', 10_000));
    await store.transaction((tx) => tx.updateTaskStatus(T, 'cancelled'));
    clock.advance(10_000);
    expect(await store.transaction((tx) => tx.expireLeases())).toEqual([expect.objectContaining({ owner: 'w1' })]);
    expect((await store.getTask(T))?.status).toBe('cancelled');
    expect(await store.getLease(T)).toBeUndefined();
    await store.close();
  });

  it('re-queues an expired lease with an event, then rejects the stale owner', async () => {
    const { store, clock } = await setup();
    await store.transaction((tx) => tx.acquireLease(T, 'w1', 10_000));
    clock.advance(9_999);
    expect(await store.transaction((tx) => tx.expireLeases())).toEqual([]);
    clock.advance(1);
    const expired = await store.transaction((tx) => tx.expireLeases());
    expect(expired).toEqual([expect.objectContaining({ owner: 'w1', token: 1 })]);
    expect((await store.getTask(T))?.status).toBe('queued');
    const last = (await store.readEvents('g1')).at(-1)!;
    expect(last).toMatchObject({ type: 'task.lease_expired', payload: { task_id: 't1', owner: 'w1', token: 1 } });

    // Not yet re-granted: the old holder simply no longer holds it.
    const stale = { ...T, owner: 'w1', token: 1 };
    expect(await store.transaction((tx) => tx.renewLease(stale, 10_000))).toEqual({ ok: false, reason: 'not_held' });

    const second = await store.transaction((tx) => tx.acquireLease(T, 'w2', 10_000));
    expect(second).toMatchObject({ ok: true, lease: { owner: 'w2', token: 2 } });
    expect(await store.transaction((tx) => tx.renewLease(stale, 10_000))).toEqual({ ok: false, reason: 'stale_token' });
    expect(await store.transaction((tx) => tx.releaseLease(stale, 'done'))).toEqual({ ok: false, reason: 'stale_token' });
    expect(await store.getTask(T)).toMatchObject({ status: 'leased', attempts: 2 });
    expect((await store.getLease(T))?.owner).toBe('w2');
    await store.close();
  });

  it('refuses renewal of a lease past its expiry even before the sweep', async () => {
    const { store, clock } = await setup();
    await store.transaction((tx) => tx.acquireLease(T, 'w1', 1_000));
    clock.advance(1_000);
    const claim = { ...T, owner: 'w1', token: 1 };
    expect(await store.transaction((tx) => tx.renewLease(claim, 1_000))).toEqual({ ok: false, reason: 'expired' });
    expect(await store.transaction((tx) => tx.releaseLease(claim, 'done'))).toEqual({ ok: false, reason: 'expired' });
    // A new claimant takes over the expired lease; the takeover is recorded as an expiry.
    expect(await store.transaction((tx) => tx.acquireLease(T, 'w2', 1_000))).toMatchObject({ ok: true, lease: { token: 2 } });
    expect((await store.readEvents('g1')).map((e) => e.type)).toContain('task.lease_expired');
    await store.close();
  });

  it('does not lease a task that is not queued or does not exist', async () => {
    const { store } = await setup();
    await store.transaction((tx) => tx.updateTaskStatus(T, 'done'));
    expect(await store.transaction((tx) => tx.acquireLease(T, 'w1', 1_000))).toEqual({ ok: false, reason: 'not_queued' });
    expect(await store.transaction((tx) => tx.acquireLease({ goalId: 'g1', taskId: 'zz' }, 'w1', 1_000))).toEqual({
      ok: false,
      reason: 'no_task',
    });
    await store.close();
  });
});
