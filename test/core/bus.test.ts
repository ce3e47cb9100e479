import { describe, expect, it } from 'vitest';
import { createEventBus, DEFAULT_SUBSCRIBER_CAPACITY } from '../../src/core/bus.js';
import type { BusErrorContext, BusMessage, DeliveryInfo } from '../../src/core/bus.js';
import { RingQueue } from '../../src/core/bus/ring-queue.js';

function msg(i: number): BusMessage {
  return {
    type: 'worker.started',
    ts: `2025-01-01T00:00:00.${String(i % 1000).padStart(3, '0')}Z`,
    payload: { worker_id: `w${i}`, kind: 'edit', task: `t${i}` },
  };
}

const idOf = (m: BusMessage): number => (m.type === 'worker.started' ? Number(m.payload.worker_id.slice(1)) : -1);

function recordingBus(capacity?: number) {
  const errors: Array<{ error: unknown; context: BusErrorContext }> = [];
  const bus = createEventBus({
    onError: (error, context) => errors.push({ error, context }),
    ...(capacity === undefined ? {} : { capacity }),
  });
  return { bus, errors };
}

/** A handler that blocks on its first message until released, recording what it got. */
function blockingHandler() {
  const got: Array<{ id: number; missed: number }> = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const firstCall = new Promise<void>((resolve) => (started = resolve));
  const handler = async (m: BusMessage, info: DeliveryInfo) => {
    got.push({ id: idOf(m), missed: info.missed });
    if (got.length === 1) {
      started();
      await gate;
    }
  };
  return { handler, got, release, firstCall };
}

describe('event bus', () => {
  it('delivers every message to every subscriber in publish order', async () => {
    const { bus, errors } = recordingBus();
    const a: number[] = [];
    const b: Array<[number, number]> = [];
    bus.subscribe((m) => void a.push(idOf(m)));
    bus.subscribe(async (m, info) => {
      await Promise.resolve();
      b.push([idOf(m), info.missed]);
    });
    for (let i = 0; i < 50; i++) bus.publish(msg(i));
    await bus.drain();
    expect(a).toEqual([...Array(50).keys()]);
    expect(b).toEqual([...Array(50).keys()].map((i) => [i, 0]));
    expect(errors).toEqual([]);
  });

  it('never runs a handler inside publish', async () => {
    const { bus } = recordingBus();
    const seen: number[] = [];
    bus.subscribe((m) => void seen.push(idOf(m)));
    bus.publish(msg(1));
    expect(seen).toEqual([]);
    await bus.drain();
    expect(seen).toEqual([1]);
  });

  it('awaits the handler one message at a time', async () => {
    const { bus } = recordingBus();
    let active = 0;
    let maxActive = 0;
    bus.subscribe(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => setImmediate(resolve));
      active -= 1;
    });
    for (let i = 0; i < 20; i++) bus.publish(msg(i));
    await bus.drain();
    expect(maxActive).toBe(1);
  });

  it('a slow subscriber neither delays the publisher nor a fast subscriber; it loses its oldest messages', async () => {
    const { bus, errors } = recordingBus();
    const slow = blockingHandler();
    const slowSub = bus.subscribe(slow.handler, { name: 'slow' });
    const fastGot: number[] = [];
    const fastSub = bus.subscribe((m) => void fastGot.push(idOf(m)), { name: 'fast' });

    bus.publish(msg(0));
    await slow.firstCall; // the slow handler is now stuck on message 0

    const total = 10_000;
    const batch = 1000; // below the fast subscriber's capacity
    for (let i = 1; i <= total; i++) {
      bus.publish(msg(i));
      // Each wait ends although the slow handler is still blocked.
      if (i % batch === 0) await fastSub.drain();
    }
    await fastSub.drain();
    expect(fastGot).toEqual([...Array(total + 1).keys()]);
    expect(fastSub.missed).toBe(0);
    expect(slow.got).toEqual([{ id: 0, missed: 0 }]);
    expect(slowSub.missed).toBe(total - DEFAULT_SUBSCRIBER_CAPACITY);

    slow.release();
    await slowSub.drain();
    // What survived is the newest `capacity` messages; the first of them carries the gap.
    const expectedIds = [...Array(DEFAULT_SUBSCRIBER_CAPACITY).keys()].map((k) => total - DEFAULT_SUBSCRIBER_CAPACITY + 1 + k);
    expect(slow.got.slice(1).map((g) => g.id)).toEqual(expectedIds);
    expect(slow.got[1]?.missed).toBe(total - DEFAULT_SUBSCRIBER_CAPACITY);
    expect(slow.got.slice(2).every((g) => g.missed === 0)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('publishing 10k messages synchronously reaches a subscriber whose queue is large enough', async () => {
    const { bus } = recordingBus();
    const slow = blockingHandler();
    const slowSub = bus.subscribe(slow.handler, { capacity: 8 });
    const got: number[] = [];
    const big = bus.subscribe((m) => void got.push(idOf(m)), { capacity: 10_000 });
    for (let i = 0; i < 10_000; i++) bus.publish(msg(i));
    await big.drain();
    expect(got).toHaveLength(10_000);
    expect(got[9_999]).toBe(9_999);
    // The slow one took message 9992 first (its queue held only the last 8 when its pump started).
    expect(slowSub.missed).toBe(10_000 - 8);
    expect(slow.got[0]).toEqual({ id: 10_000 - 8, missed: 10_000 - 8 });
    slow.release();
    await slowSub.drain();
    expect(slow.got.map((g) => g.id)).toEqual([...Array(8).keys()].map((k) => 10_000 - 8 + k));
  });

  it('isolates throwing and rejecting handlers and keeps their pumps running', async () => {
    const { bus, errors } = recordingBus();
    const good: number[] = [];
    const bad: number[] = [];
    bus.subscribe(
      (m) => {
        bad.push(idOf(m));
        if (idOf(m) === 1) throw new Error('sync boom');
        if (idOf(m) === 2) return Promise.reject(new Error('async boom'));
      },
      { name: 'flaky' },
    );
    bus.subscribe((m) => void good.push(idOf(m)));
    expect(() => {
      for (let i = 0; i < 4; i++) bus.publish(msg(i));
    }).not.toThrow();
    await bus.drain();
    expect(bad).toEqual([0, 1, 2, 3]);
    expect(good).toEqual([0, 1, 2, 3]);
    expect(errors.map((e) => [(e.error as Error).message, e.context.subscriber, e.context.phase, idOf(e.context.message)])).toEqual([
      ['sync boom', 'flaky', 'handler', 1],
      ['async boom', 'flaky', 'handler', 2],
    ]);
  });

  it('survives an onError hook that throws', async () => {
    const bus = createEventBus({
      onError: () => {
        throw new Error('hook broken');
      },
    });
    const seen: number[] = [];
    bus.subscribe((m) => {
      seen.push(idOf(m));
      throw new Error('handler broken');
    });
    bus.publish(msg(0));
    bus.publish(msg(1));
    await bus.drain();
    expect(seen).toEqual([0, 1]);
  });

  it('filters in publish so rejected messages take no queue slot', async () => {
    const { bus } = recordingBus();
    const slow = blockingHandler();
    const sub = bus.subscribe(slow.handler, { capacity: 3, accept: (m) => idOf(m) % 100 === 0 });
    for (let i = 0; i < 300; i++) bus.publish(msg(i));
    await slow.firstCall;
    slow.release();
    await sub.drain();
    expect(sub.missed).toBe(0);
    expect(slow.got.map((g) => g.id)).toEqual([0, 100, 200]);
  });

  it('reports a throwing filter and delivers the message anyway', async () => {
    const { bus, errors } = recordingBus();
    const seen: number[] = [];
    bus.subscribe((m) => void seen.push(idOf(m)), {
      name: 'picky',
      accept: () => {
        throw new Error('filter boom');
      },
    });
    bus.publish(msg(7));
    await bus.drain();
    expect(seen).toEqual([7]);
    expect(errors.map((e) => [e.context.subscriber, e.context.phase])).toEqual([['picky', 'filter']]);
  });

  it('unsubscribe discards the queue; the handler is never called again, even mid-flight', async () => {
    const { bus } = recordingBus();
    const slow = blockingHandler();
    const sub = bus.subscribe(slow.handler);
    for (let i = 0; i < 5; i++) bus.publish(msg(i));
    await slow.firstCall;
    sub.unsubscribe();
    bus.publish(msg(99));
    let drained = false;
    const drain = sub.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false); // message 0 is still in flight
    slow.release();
    await drain;
    await bus.drain();
    expect(slow.got.map((g) => g.id)).toEqual([0]);
  });

  it('subscription close delivers what is queued and takes nothing new', async () => {
    const { bus } = recordingBus();
    const seen: number[] = [];
    const sub = bus.subscribe((m) => void seen.push(idOf(m)));
    bus.publish(msg(1));
    bus.publish(msg(2));
    const closed = sub.close();
    bus.publish(msg(3));
    await closed;
    bus.publish(msg(4));
    await bus.drain();
    expect(seen).toEqual([1, 2]);
    await expect(sub.close()).resolves.toBeUndefined(); // idempotent
  });

  it('bus close finishes queued messages, then publish is a no-op and nothing more runs', async () => {
    const { bus } = recordingBus();
    const seen: number[] = [];
    bus.subscribe(async (m) => {
      await Promise.resolve();
      seen.push(idOf(m));
    });
    for (let i = 0; i < 10; i++) bus.publish(msg(i));
    const closing = bus.close();
    expect(bus.closed).toBe(true);
    bus.publish(msg(100));
    await closing;
    expect(seen).toEqual([...Array(10).keys()]);

    const late: number[] = [];
    bus.subscribe((m) => void late.push(idOf(m)));
    bus.publish(msg(200));
    await bus.drain();
    await bus.close();
    expect(late).toEqual([]);
    expect(seen).toHaveLength(10);
  });

  it('drain waits for messages that handlers publish while draining', async () => {
    const { bus } = recordingBus();
    const echoed: number[] = [];
    bus.subscribe((m) => {
      if (idOf(m) < 5) bus.publish(msg(idOf(m) + 1));
    });
    bus.subscribe(async (m) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      echoed.push(idOf(m));
    });
    bus.publish(msg(0));
    await bus.drain();
    expect(echoed).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    const { bus } = recordingBus();
    expect(() => bus.subscribe(() => undefined, { capacity: 0 })).toThrow(/capacity/);
    expect(() => createEventBus({ onError: () => undefined, capacity: 1.5 })).toThrow(/capacity/);
  });
});

describe('ring queue', () => {
  it('is FIFO and evicts the oldest item when full', () => {
    const q = new RingQueue<number>(3);
    expect(q.push(1)).toBe(false);
    expect(q.push(2)).toBe(false);
    expect(q.push(3)).toBe(false);
    expect(q.push(4)).toBe(true);
    expect(q.size).toBe(3);
    expect([q.shift(), q.shift()]).toEqual([2, 3]);
    q.push(5);
    q.push(6);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([4, 5, 6, undefined]);
    q.push(7);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
  });
});
