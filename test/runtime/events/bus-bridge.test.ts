import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus, type BusMessage } from '../../../src/core/bus.js';
import { publishCommitted } from '../../../src/runtime/events/publish-committed.js';
import { verifyEventLog } from '../../../src/runtime/events/verify-log.js';
import { startEscalationLog } from '../../../src/runtime/escalation-log.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { openIn, seedGoal, tempRepo, type TempRepo } from '../store/helpers.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('committed events on the bus', () => {
  it('a blocked subscriber neither delays nor loses the durable log', async () => {
    repo = tempRepo();
    const errors: unknown[] = [];
    const bus = createEventBus({ onError: (e) => errors.push(e) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowSeen: BusMessage[] = [];
    const slow = bus.subscribe(
      async (msg) => {
        await gate;
        slowSeen.push(msg);
      },
      { name: 'slow', capacity: 8 },
    );
    const fastSeen: BusMessage[] = [];
    const fast = bus.subscribe((msg) => void fastSeen.push(msg), { name: 'fast', capacity: 10_000 });

    const store = await openIn(repo, { onCommitted: publishCommitted(bus) });
    await seedGoal(store, 'g1', 300); // 301 events, each its own committed transaction

    // The slow subscriber is still stuck on its first message, yet everything is durable.
    expect((await store.eventHead('g1')).seq).toBe(301);
    const report = verifyEventLog({ file: store.eventsFile('g1'), goalId: 'g1' });
    expect(report.ok).toBe(true);
    expect(report.events).toBe(301);

    await fast.drain(); // bus.drain() would wait for the blocked one
    expect(fastSeen.map((m) => m.seq)).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    expect(fastSeen[0]).toMatchObject({ type: 'goal.created', goal_id: 'g1' });
    expect(slow.missed).toBeGreaterThan(0);

    release();
    await slow.drain();
    // It got its first message, then only the newest `capacity` ones.
    expect(slowSeen.length).toBe(1 + 8);
    expect(slowSeen.at(-1)!.seq).toBe(301);
    expect(errors).toEqual([]);
    await store.close();
    await bus.close();
  });

  it('feeds the escalation log with goal ids and the time of each fact', async () => {
    repo = tempRepo();
    const bus = createEventBus({ onError: () => undefined });
    const sessionDir = path.join(repo.dir, 'session');
    const warnings: string[] = [];
    const writer = startEscalationLog({ bus, sessionDir, logger: createLogger({ write: (l) => warnings.push(l) }) });
    const store = await openIn(repo, { onCommitted: publishCommitted(bus) });
    await seedGoal(store, 'g2', 2);
    await store.close();
    await writer.close();

    const lines = readFileSync(writer.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.kind)).toEqual(['goal_created', 'gate_transition', 'gate_transition']);
    expect(lines[1]).toMatchObject({ goal_id: 'g2', summary: 'gate g0: pending -> passed' });
    const events = await (await openIn(repo)).readEvents('g2');
    expect(lines.map((l) => l.ts)).toEqual(events.map((e) => e.ts));
    expect(warnings).toEqual([]);
  });
});
