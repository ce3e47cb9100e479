import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetGateBreaker } from '../../../src/runtime/gates/breaker-store.js';
import { runGate, type RunGateOptions } from '../../../src/runtime/gates/run-gate.js';
import type { SqliteStore } from '../../../src/runtime/store/sqlite-store.js';
import { fakeClock } from '../store/helpers.js';
import { fixture, gitRepo, parentEnv, spec, storeIn } from './helpers.js';

const TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

describe('circuit breaker, store-backed', () => {
  const repo = gitRepo();
  const clock = fakeClock();
  let store: SqliteStore;
  const counter = path.join(repo.dir, '..', `${path.basename(repo.dir)}.breaker-count`);
  const opts = (over: Partial<RunGateOptions> = {}): RunGateOptions => ({
    repoRoot: repo.dir,
    treeSha: TREE,
    store,
    env: parentEnv,
    now: clock.now,
    breakerPolicy: { threshold: 3, cooldownMs: 60_000 },
    ...over,
  });
  // Counts its attempts, then fails the way a missing tool does.
  const broken = spec('broken', `echo ran >> '${counter}'; exit 127`);

  beforeAll(async () => {
    store = await storeIn(repo.dir, clock.now);
  });
  afterAll(async () => {
    await store.close();
    rmSync(counter, { force: true });
    repo.cleanup();
  });

  it('opens after 3 consecutive infrastructure failures and then refuses without running', async () => {
    for (let i = 0; i < 3; i += 1) expect((await runGate(broken, opts())).outcome).toBe('infra_error');
    expect(await store.gates.getBreaker(repo.dir, 'broken')).toMatchObject({ state: 'open', consecutive_failures: 3 });
    const refused = await runGate(broken, opts());
    expect(repo.count(counter)).toBe(3);
    expect(refused).toMatchObject({ outcome: 'breaker_open', passed: false, exit_code: null, breaker: { state: 'open' } });
    expect(refused.breaker?.reason).toContain('omk gates reset broken');
    expect(refused.breaker?.retry_at).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
  });

  it('reset closes it, records the transition, and the gate runs again', async () => {
    const { before, after } = await resetGateBreaker({ store, scope: repo.dir, gate: 'broken', now: clock.now });
    expect([before.state, after.state]).toEqual(['open', 'closed']);
    await runGate(broken, opts());
    expect(repo.count(counter)).toBe(4);
    const history = await store.gates.listBreakerTransitions(repo.dir, 'broken');
    expect(history.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open', 'open->closed']);
    expect(history[1]!.reason).toBe('reset by hand');
  });

  it('after the cool-down one probe runs; if it fails to run again the breaker re-opens', async () => {
    await runGate(broken, opts());
    await runGate(broken, opts()); // 3 in a row again (the one above counted after the reset)
    expect((await store.gates.getBreaker(repo.dir, 'broken'))?.state).toBe('open');
    clock.advance(60_000);
    const probe = await runGate(broken, opts());
    expect(probe.outcome).toBe('infra_error');
    expect(repo.count(counter)).toBe(7);
    expect((await store.gates.getBreaker(repo.dir, 'broken'))?.state).toBe('open');
    expect((await runGate(broken, opts())).outcome).toBe('breaker_open');
  });

  it('a probe that runs to an exit status closes the breaker', async () => {
    clock.advance(60_000);
    const fixed = spec('broken', `sh ${fixture('fail.sh')}`);
    expect((await runGate(fixed, opts())).outcome).toBe('failed');
    expect(await store.gates.getBreaker(repo.dir, 'broken')).toMatchObject({ state: 'closed', consecutive_failures: 0 });
  });

  it('ordinary test failures never open it', async () => {
    const failing = spec('unit', `sh ${fixture('fail.sh')}`);
    for (let i = 0; i < 5; i += 1) expect((await runGate(failing, opts({ useCache: false }))).outcome).toBe('failed');
    expect((await store.gates.getBreaker(repo.dir, 'unit'))?.state ?? 'closed').toBe('closed');
  });

  it('timeouts count', async () => {
    const slow = spec('slow', 'sleep 100000', { timeoutMs: 200 });
    for (let i = 0; i < 3; i += 1) expect((await runGate(slow, opts({ graceMs: 100 }))).outcome).toBe('timed_out');
    expect((await store.gates.getBreaker(repo.dir, 'slow'))?.state).toBe('open');
  });

  it('with a goal, runs and transitions are events in its log', async () => {
    await store.transaction(async (tx) => {
      await tx.createGoal({ id: 'g1', prompt: 'p' });
      await tx.appendEvent('g1', 'goal.created', { goal_id: 'g1', prompt: 'p' });
    });
    const goal = spec('goalgate', 'exit 126');
    for (let i = 0; i < 3; i += 1) await runGate(goal, opts({ goalId: 'g1', goalDir: path.join(repo.dir, '.omk', 'goals', 'g1') }));
    const passing = spec('ok', `sh ${fixture('pass.sh')}`);
    await runGate(passing, opts({ goalId: 'g1' }));
    await runGate(passing, opts({ goalId: 'g1' }));
    const events = await store.readEvents('g1');
    expect(events.map((e) => e.type)).toEqual([
      'goal.created',
      'gate.started',
      'gate.finished',
      'gate.started',
      'gate.finished',
      'gate.started',
      'gate.breaker_transitioned',
      'gate.finished',
      'gate.started',
      'gate.finished',
      'gate.finished', // the cache hit: no start, a finish with cached: true
    ]);
    expect(events[6]!.payload).toMatchObject({ gate: 'goalgate', from: 'closed', to: 'open', consecutive_failures: 3 });
    expect(events[10]!.payload).toMatchObject({ gate: 'ok', cached: true, passed: true });
    expect((await store.gates.listBreakerTransitions(repo.dir, 'goalgate'))[0]).toMatchObject({ goal_id: 'g1', to: 'open' });
  });
});
