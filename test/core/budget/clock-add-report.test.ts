import { describe, expect, it } from 'vitest';
import {
  addBudget,
  budgetEvidence,
  budgetReport,
  elapsedMs,
  reserve,
  spend,
  startClock,
  stopClock,
  tickClock,
  usageFromTurn,
} from '../../../src/core/budget/index.js';
import { OmkError } from '../../../src/core/errors.js';
import { T0, at, budget, usage } from './fixtures.js';

describe('running time', () => {
  it('counts running time only: paused time does not count', () => {
    let s = startClock(budget({ time_ms: 3_600_000 }), T0);
    s = stopClock(s, at(10_000)); // pause after 10 s
    expect(elapsedMs(s, at(500_000))).toBe(10_000);
    s = startClock(s, at(600_000)); // resume ten minutes later
    expect(elapsedMs(s, at(605_000))).toBe(15_000);
    s = stopClock(s, at(620_000));
    expect(s.used.time_ms).toBe(30_000);
    expect(budgetReport(s, at(10_000_000)).time).toMatchObject({ used: 30_000, remaining: 3_570_000, exhausted: false });
  });

  it('after a crash, the dead time is not counted: resume restarts the clock from the last tick', () => {
    let s = startClock(budget({}), T0);
    s = spend(s, usage(10), at(60_000)); // every write ticks: 60 s persisted
    // kill -9 at +90 s; the persisted state is the one above. Resume an hour later:
    s = startClock(s, at(3_660_000));
    expect(elapsedMs(s, at(3_670_000))).toBe(70_000);
  });

  it('a clock that goes backwards counts nothing', () => {
    const s = startClock(budget({}), at(10_000));
    expect(elapsedMs(s, T0)).toBe(0);
    expect(tickClock(s, T0).used.time_ms).toBe(0);
  });

  it('time overshoot is reported as exceeded', () => {
    const s = startClock(budget({ time_ms: 1_000 }), T0);
    expect(budgetReport(s, at(1_500)).time).toMatchObject({ used: 1_500, exhausted: true, exceeded: true, overshoot: 500 });
    expect(budgetEvidence(s, at(1_500)).exceeded.time).toBe(true);
  });
});

describe('budget-add', () => {
  it('raises each limit to max(limit, used) + amount', () => {
    let s = spend(budget({ tokens: 1_000, usd_micros: 1_000_000 }), usage(400, 1_200_000), T0);
    const { state, extensions } = addBudget(s, { tokens: 500, usd_micros: 1_000_000 }, T0);
    s = state;
    expect(s.limits).toMatchObject({ tokens: 1_500, usd_micros: 2_200_000 });
    expect(extensions.map((e) => e.text)).toEqual(['tokens: 1000 → 1500', 'usd: $1.00 → $2.20']);
    expect(budgetReport(s, T0).usd).toMatchObject({ limit: 2.2, used: 1.2, remaining: 1, exceeded: false });
  });

  it('time: adds to the running time used so far when it is past the limit', () => {
    const s = startClock(budget({ time_ms: 60_000 }), T0);
    const { state } = addBudget(s, { time_ms: 30_000 }, at(75_000));
    expect(state.limits.time_ms).toBe(105_000);
    expect(addBudget(s, { time_ms: 30_000 }, at(10_000)).state.limits.time_ms).toBe(90_000);
  });

  it('adding to an unlimited dimension is an error naming the flag', () => {
    const s = budget({ tokens: 10 });
    expect(() => addBudget(s, { usd_micros: 1 }, T0)).toThrow(OmkError);
    expect(() => addBudget(s, { usd_micros: 1 }, T0)).toThrow('--usd: the goal has no usd limit, so there is nothing to add to');
    expect(() => addBudget(s, { time_ms: 1 }, T0, { time: 'budget-add --time', tokens: '', usd: '' })).toThrow(
      /^budget-add --time: the goal has no time limit/,
    );
    expect(() => addBudget(s, {}, T0)).toThrow(/nothing to add/);
    expect(() => addBudget(s, { tokens: 0 }, T0)).toThrow(/--tokens: the amount to add must be greater than zero/);
  });

  it('clears exceeded once the new limit covers what was spent; the overrun stays on record', () => {
    let s = reserve(budget({ tokens: 100 }), { id: 'r', task_id: 't', tokens: 50, usd_micros: 0 }, T0);
    s = spend(s, usage(150), T0);
    expect(budgetEvidence(s, T0).exceeded.tokens).toBe(true);
    s = addBudget(s, { tokens: 100 }, T0).state;
    expect(s.limits.tokens).toBe(250);
    expect(budgetEvidence(s, T0)).toEqual({
      limits: { time_ms: null, tokens: 250, usd: null },
      used: { time_ms: 0, tokens: 150, usd: 0 },
      reserved: { time_ms: 0, tokens: 50, usd: 0 },
      exceeded: { time: false, tokens: false, usd: false },
    });
  });
});

describe('report', () => {
  it('has the documented shape', () => {
    let s = startClock(budget({ time_ms: 7_200_000, tokens: 2_000_000, usd_micros: 5_000_000 }), T0);
    s = spend(s, usageFromTurn({ input: 1_000, output: 500, cacheRead: 3_000, cacheWrite: 0 }, 0.0123), at(1_000));
    s = reserve(s, { id: 't1#1', task_id: 't1', tokens: 60_000, usd_micros: 250_000 }, at(2_000));
    expect(budgetReport(s, at(3_000))).toEqual({
      version: 1,
      clock: 'running',
      time: { unit: 'ms', limit: 7_200_000, used: 3_000, reserved: 0, remaining: 7_197_000, exhausted: false, exceeded: false, overshoot: 0 },
      tokens: {
        unit: 'tokens',
        limit: 2_000_000,
        used: 4_500,
        reserved: 60_000,
        remaining: 1_935_500,
        exhausted: false,
        exceeded: false,
        overshoot: 0,
        used_in: 4_000,
        used_out: 500,
        used_cached: 3_000,
      },
      usd: { unit: 'usd', limit: 5, used: 0.0123, reserved: 0.25, remaining: 4.7377, exhausted: false, exceeded: false, overshoot: 0 },
      reservations: [{ id: 't1#1', task_id: 't1', tokens: 60_000, usd: 0.25, estimate: { tokens: 60_000, usd: 0.25 }, created_at: at(2_000).toISOString() }],
      overruns: [],
    });
  });

  it('unlimited dimensions report null limits and remaining', () => {
    const r = budgetReport(spend(budget({}), usage(10, 10), T0), T0);
    expect(r.tokens).toMatchObject({ limit: null, remaining: null, exhausted: false, exceeded: false });
    expect(r.usd).toMatchObject({ limit: null, used: 0.00001, remaining: null });
    expect(r.clock).toBe('stopped');
  });
});
