import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/core/events/envelope.js';
import { foldGoalLog } from '../../../src/core/goal/controller/goal-log.js';
import { BudgetRefusedError, GoalBudget, storedBudgetState } from '../../../src/runtime/goal/budget.js';
import { newOwnerId } from '../../../src/runtime/goal/owner.js';
import { budgetHarness, FLOOR, GOAL, ofType, spend, type BudgetHarness } from './budget-harness.js';

const CHILD = fileURLToPath(new URL('../../fixtures/budget/admit.ts', import.meta.url));
const ROOT = path.resolve(path.dirname(CHILD), '../../..');

let h: BudgetHarness;

/** The most reservations ever outstanding at once, replaying the log event by event. */
function mostOutstanding(events: EventEnvelope[]): number {
  let most = 0;
  for (let i = 1; i <= events.length; i++) most = Math.max(most, foldGoalLog(events.slice(0, i)).budget.reservations.size);
  return most;
}

afterEach(async () => {
  await h?.close();
});

describe('persisted budget reservations', () => {
  it('two budgets on one store with room for exactly one estimate: one is admitted, the other waits, then is refused once the first spends it', async () => {
    h = await budgetHarness({ tokens: FLOOR });
    const [sa, sb] = [h.scope(), h.scope()];
    const [a, b] = await Promise.all([GoalBudget.open(sa, { waitPollMs: 5 }), GoalBudget.open(sb, { waitPollMs: 5 })]);
    const admits = [a.admit('executor', 't1'), b.admit('executor', 't2')];
    await Promise.race([sa.waiting, sb.waiting]);
    const reserved = ofType(await h.events(), 'budget.reserved');
    expect(reserved).toHaveLength(1);
    expect(reserved[0]!.payload).toMatchObject({ tokens: FLOOR, usd_micros: 100_000, role: 'executor' });
    const winner = (reserved[0]!.payload as { task_id: string }).task_id === 't1' ? 0 : 1;
    const ticket = await admits[winner]!;
    expect(ticket).toMatchObject({ id: (reserved[0]!.payload as { reservation_id: string }).reservation_id, estimate: { tokens: FLOOR } });

    await spend([sa, sb][winner]!, [a, b][winner]!, ticket, FLOOR);
    const refusal = await admits[1 - winner]!.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(BudgetRefusedError);
    expect((refusal as BudgetRefusedError).detail).toBe('tokens: 50000 used + 0 reserved + 50000 estimated = 100000, over the limit of 50000');

    const events = await h.events();
    expect(ofType(events, 'budget.reserved')).toHaveLength(1);
    expect(ofType(events, 'budget.released').map((e) => e.payload)).toEqual([{ reservation_id: ticket!.id, task_id: ticket!.taskId, reason: 'settled' }]);
    expect(ofType(events, 'budget.exhausted')).toHaveLength(1);
    expect(storedBudgetState(foldGoalLog(events)).reservations).toEqual([]);
  });

  it('a waiting spawn is admitted once a running worker settles below its estimate, and reservations never overlap past the limit', async () => {
    h = await budgetHarness({ tokens: 80_000 });
    const [sa, sb] = [h.scope(), h.scope()];
    const [a, b] = [await GoalBudget.open(sa, { waitPollMs: 5 }), await GoalBudget.open(sb, { waitPollMs: 5 })];
    const first = await a.admit('executor', 't1');
    const second = b.admit('executor', 't2');
    await sb.waiting;
    expect(sb.lines[0]).toBe('budget: executor turn for t2 waits for running workers: tokens: 0 used + 50000 reserved + 50000 estimated = 100000, over the limit of 80000');
    await spend(sa, a, first, 20_000);
    const ticket = await second;
    expect(ticket?.taskId).toBe('t2');
    const events = await h.events();
    expect(mostOutstanding(events)).toBe(1);
    expect(ofType(events, 'budget.exhausted')).toHaveLength(0);
  });

  it('two processes racing for room for exactly one estimate: one is admitted, the other waits, then is refused once the first spends it', async () => {
    h = await budgetHarness({ tokens: FLOOR });
    const args = (task: string) => [path.join(h.dir, 'omk.db'), path.join(h.dir, 'goals'), GOAL, task, String(FLOOR)];
    const [p1, p2] = [child(args('p1')), child(args('p2'))];
    try {
      for (const c of [p1, p2]) expect(await c.next()).toBe('ready');
      for (const c of [p1, p2]) c.send('go');
      // The other process cannot be admitted while the first holds the room: it waits.
      const first = (await Promise.all([p1.next(), p2.next()])).map((l) => JSON.parse(l) as Record<string, string>);
      expect(first.map((l) => Object.keys(l)[0]).sort()).toEqual(['admitted', 'waiting']);
      const [winner, loser] = first[0]!.admitted ? [p1, p2] : [p2, p1];
      expect(ofType(await h.events(), 'budget.reserved')).toHaveLength(1);
      winner.send('spend');
      expect(JSON.parse(await winner.next())).toHaveProperty('spent');
      expect(JSON.parse(await loser.next())).toEqual({ refused: 'tokens: 50000 used + 0 reserved + 50000 estimated = 100000, over the limit of 50000' });
      expect(await Promise.all([winner.exited, loser.exited])).toEqual([0, 0]);
    } finally {
      for (const c of [p1, p2]) c.kill();
    }
    const events = await h.events();
    expect(ofType(events, 'budget.reserved')).toHaveLength(1);
    expect(ofType(events, 'budget.exhausted')).toHaveLength(1);
    expect(foldGoalLog(events).budget.tokensIn).toBe(FLOOR);
  });

  it('a reservation whose holder is gone is released at the next admission, which then fits', async () => {
    h = await budgetHarness({ tokens: FLOOR });
    const dead = h.scope({ owner: 'worker:elsewhere:1:dead' });
    const deadBudget = await GoalBudget.open(dead, { isGone: () => false });
    expect(await deadBudget.admit('executor', 't1')).toBeDefined();
    const live = h.scope();
    const budget = await GoalBudget.open(live, { isGone: (owner) => owner === 'worker:elsewhere:1:dead', waitPollMs: 5 });
    const ticket = await budget.admit('executor', 't2');
    expect(ticket?.taskId).toBe('t2');
    const released = ofType(await h.events(), 'budget.released');
    expect(released.map((e) => e.payload)).toEqual([{ reservation_id: expect.stringMatching(/^t1@/) as unknown, task_id: 't1', reason: 'its holder worker:elsewhere:1:dead is gone' }]);
  });

  it('a reservation whose lease was taken back no longer holds room', async () => {
    h = await budgetHarness({ tokens: FLOOR });
    const owner = newOwnerId('worker');
    const s = h.scope({ owner });
    const budget = await GoalBudget.open(s, { waitPollMs: 5 });
    await budget.admit('executor', 't1');
    await h.store.transaction(async (tx) => {
      await tx.appendEvent(GOAL, 'task.started', { task_id: 't1', attempt: 1, round: 1, owner, token: 1, branch: 'b', worktree: '/w', start_sha: 's' });
      await tx.appendEvent(GOAL, 'task.lease_expired', { task_id: 't1', owner, token: 1, expired_at: new Date().toISOString() });
    });
    expect((await budget.admit('executor', 't2'))?.taskId).toBe('t2');
  });

  it("a task whose own spend plus the estimate exceeds its per-task limit is refused (recorded with the task); nothing else starts until budget-add", async () => {
    h = await budgetHarness({ tokens: 1_000_000 }, { tokens: 60_000, usd_micros: null });
    const s = h.scope();
    const budget = await GoalBudget.open(s);
    const first = await budget.admit('executor', 't1');
    await spend(s, budget, first, 20_000);
    await expect(budget.admit('executor', 't1')).rejects.toThrow('budget exhausted: task t1 tokens: 20000 used + 50000 estimated = 70000, over the per-task limit of 60000');
    const exhausted = ofType(await h.events(), 'budget.exhausted');
    expect(exhausted.map((e) => e.payload)).toMatchObject([{ dimension: 'tokens', role: 'executor', task_id: 't1' }]);
    // The goal stopped for budget: another task is refused too, without a second record.
    await expect(budget.admit('executor', 't2')).rejects.toThrow(/task t1 tokens/);
    expect(ofType(await h.events(), 'budget.exhausted')).toHaveLength(1);
    expect(await budget.evidence()).toMatchObject({
      per_task: [{ task_id: 't1', limits: { tokens: 60_000, usd: null }, used: { tokens: 20_000, usd: 0 }, exceeded: { tokens: true, usd: false } }],
      exceeded: { time: false, tokens: false, usd: false },
    });
  });
});

/** A child process running test/fixtures/budget/admit.ts, spoken to line by line. */
function child(args: string[]): { next(): Promise<string>; send(line: string): void; exited: Promise<number | null>; kill(): void } {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS; // ~50 ms per start on this machine
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  proc.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  return {
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`child ${proc.pid} ended early`);
      return value;
    },
    send: (line) => void proc.stdin!.write(`${line}\n`),
    exited,
    kill: () => void (proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL')),
  };
}
