import { describe, expect, it } from 'vitest';
import {
  admit,
  budgetEvidence,
  budgetReport,
  charge,
  checkBeforeSpawn,
  checkBetweenTurns,
  reconcile,
  release,
  reserve,
  spend,
  startClock,
  type BudgetState,
} from '../../../src/core/budget/index.js';
import { OmkError } from '../../../src/core/errors.js';
import { T0, at, budget, usage } from './fixtures.js';

const est = (tokens: number, usd_micros = 0) => ({ tokens, usd_micros });

describe('checkBeforeSpawn', () => {
  it.each([
    // [limit, used, reserved, estimate, ok]
    [1000, 0, 0, 1000, true],
    [1000, 0, 0, 1001, false],
    [1000, 400, 0, 600, true],
    [1000, 400, 0, 601, false],
    [1000, 400, 300, 300, true],
    [1000, 400, 300, 301, false],
    [1000, 1000, 0, 0, true],
    [1000, 1000, 0, 1, false],
  ])('tokens limit %i, used %i, reserved %i, estimate %i → ok %s', (limit, used, reserved, estimate, ok) => {
    let s = spend(budget({ tokens: limit }), usage(used), T0);
    if (reserved > 0) s = reserve(s, { id: 'r0', task_id: 't0', ...est(reserved) }, T0);
    expect(checkBeforeSpawn(s, est(estimate), T0).ok).toBe(ok);
  });

  it('names the exhausted dimension and spells out the arithmetic', () => {
    let s = spend(budget({ tokens: 1_000_000, usd_micros: 1_000_000 }), usage(950_000, 900_000), T0);
    s = reserve(s, { id: 'a', task_id: 't1', ...est(40_000, 50_000) }, T0);
    const check = checkBeforeSpawn(s, est(20_000, 100_000), T0);
    expect(check).toEqual({
      ok: false,
      exhausted: 'tokens',
      dimensions: ['tokens', 'usd'],
      detail:
        'tokens: 950000 used + 40000 reserved + 20000 estimated = 1010000, over the limit of 1000000; ' +
        'usd: $0.90 used + $0.05 reserved + $0.10 estimated = $1.05, over the limit of $1.00',
    });
  });

  it('unlimited dimensions never refuse', () => {
    const s = spend(budget({}), usage(10 ** 12, 10 ** 12), T0);
    expect(checkBeforeSpawn(s, est(10 ** 9, 10 ** 9), T0)).toEqual({ ok: true });
  });

  it('time: refuses once the running time reaches the limit, or when the worker’s duration would not fit', () => {
    const s = startClock(budget({ time_ms: 60_000 }), T0);
    expect(checkBeforeSpawn(s, est(0), at(59_999)).ok).toBe(true);
    expect(checkBeforeSpawn(s, est(0), at(60_000))).toMatchObject({ ok: false, exhausted: 'time', detail: 'time: 1m used of the 1m limit' });
    expect(checkBeforeSpawn(s, { ...est(0), time_ms: 20_000 }, at(45_000))).toMatchObject({
      ok: false,
      exhausted: 'time',
      detail: 'time: 45s used + 20s estimated = 1m5s, over the limit of 1m',
    });
    expect(checkBeforeSpawn(s, { ...est(0), time_ms: 30_000 }, at(30_000)).ok).toBe(true);
  });
});

describe('reservations', () => {
  it('four parallel reservations cannot jointly overshoot: the fifth is refused, and so is a fourth that would not fit', () => {
    let s: BudgetState = budget({ tokens: 100_000, usd_micros: 2_000_000 });
    const admitted: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const a = admit(s, { id: `w${i}`, task_id: `t${i}`, ...est(25_000, 400_000) }, T0);
      if (a.ok) {
        s = a.state;
        admitted.push(a.reservation.id);
      } else {
        expect(a.exhausted).toBe('tokens');
        expect(a.detail).toBe('tokens: 0 used + 100000 reserved + 25000 estimated = 125000, over the limit of 100000');
      }
    }
    expect(admitted).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(budgetReport(s, T0).tokens).toMatchObject({ used: 0, reserved: 100_000, remaining: 0 });
    // Each worker comes in at or under its estimate: the limit holds.
    for (const id of admitted) s = reconcile(s, id, usage(24_000, 390_000), T0);
    const report = budgetReport(s, T0);
    expect(report.tokens).toMatchObject({ used: 96_000, reserved: 0, remaining: 4_000, exceeded: false });
    expect(report.usd).toMatchObject({ used: 1.56, reserved: 0, remaining: 0.44, exceeded: false });
    expect(report.overruns).toEqual([]);
  });

  it('reconcile releases the reservation and adds the actual usage', () => {
    let s = reserve(budget({ tokens: 10_000 }), { id: 'r', task_id: 't', ...est(4_000, 10) }, T0);
    s = reconcile(s, 'r', { tokens_in: 2_000, tokens_out: 500, tokens_cached: 1_500, usd_micros: 7 }, at(1));
    expect(s.reservations).toEqual([]);
    expect(s.used).toMatchObject({ tokens_in: 2_000, tokens_out: 500, tokens_cached: 1_500, usd_micros: 7 });
    expect(budgetReport(s, at(1)).tokens).toMatchObject({ used: 2_500, used_in: 2_000, used_out: 500, used_cached: 1_500, remaining: 7_500 });
  });

  it('reconcile above the estimate records an overrun, and an overshoot past the limit is flagged, never hidden', () => {
    let s = budget({ tokens: 10_000 });
    s = reserve(s, { id: 'r1', task_id: 'a', ...est(6_000) }, T0);
    s = reserve(s, { id: 'r2', task_id: 'b', ...est(4_000) }, T0);
    s = reconcile(s, 'r1', usage(9_000), at(5));
    expect(s.overruns).toEqual([
      { reservation_id: 'r1', task_id: 'a', estimate: { tokens: 6_000, usd_micros: 0 }, actual: { tokens: 9_000, usd_micros: 0 }, at: at(5).toISOString() },
    ]);
    // used 9000 + r2's 4000 > limit: the overrun ate into r2's share; nothing new may start.
    expect(checkBeforeSpawn(s, est(1), at(5)).ok).toBe(false);
    s = reconcile(s, 'r2', usage(3_000), at(6));
    const report = budgetReport(s, at(6));
    expect(report.tokens).toMatchObject({ limit: 10_000, used: 12_000, remaining: 0, exhausted: true, exceeded: true, overshoot: 2_000 });
    expect(budgetEvidence(s, at(6)).exceeded).toEqual({ time: false, tokens: true, usd: false });
  });

  it('release drops the reservation and adds nothing', () => {
    let s = reserve(budget({ tokens: 1_000 }), { id: 'r', task_id: 't', ...est(800) }, T0);
    expect(checkBeforeSpawn(s, est(300), T0).ok).toBe(false);
    s = release(s, 'r', T0);
    expect(s.reservations).toEqual([]);
    expect(s.used.tokens_in + s.used.tokens_out).toBe(0);
    expect(checkBeforeSpawn(s, est(1_000), T0).ok).toBe(true);
    expect(release(s, 'unknown', T0)).toEqual(s);
  });

  it('charge moves a turn’s usage from the reservation into used; release after charges keeps what was spent', () => {
    let s = reserve(budget({ tokens: 10_000 }), { id: 'r', task_id: 't', ...est(6_000) }, T0);
    s = charge(s, 'r', usage(2_000), T0);
    expect(budgetReport(s, T0).tokens).toMatchObject({ used: 2_000, reserved: 4_000, remaining: 4_000 });
    s = charge(s, 'r', usage(2_000), T0);
    s = release(s, 'r', T0); // the worker crashed
    expect(budgetReport(s, T0).tokens).toMatchObject({ used: 4_000, reserved: 0, remaining: 6_000 });
  });

  it('charges beyond the estimate are an overrun; reconcile after charges adds only the remainder', () => {
    let s = reserve(budget({ tokens: 10_000 }), { id: 'r', task_id: 't', ...est(3_000) }, T0);
    s = charge(s, 'r', usage(2_000), T0);
    s = charge(s, 'r', usage(2_000), T0);
    expect(s.reservations[0]).toMatchObject({ tokens: 0, charged: { tokens: 4_000 } });
    expect(s.overruns).toHaveLength(1);
    s = reconcile(s, 'r', usage(1_000), T0);
    expect(s.overruns).toEqual([expect.objectContaining({ reservation_id: 'r', actual: { tokens: 5_000, usd_micros: 0 } })]);
    expect(budgetReport(s, T0).tokens.used).toBe(5_000);
    s = reserve(s, { id: 'q', task_id: 't', ...est(100) }, T0);
    s = charge(s, 'q', usage(100), T0);
    s = reconcile(s, 'q', undefined, T0);
    expect(budgetReport(s, T0).tokens.used).toBe(5_100);
    expect(s.overruns).toHaveLength(1);
  });

  it('reconcile or charge for an unknown reservation still counts the usage', () => {
    let s = budget({ tokens: 1_000 });
    s = reconcile(s, 'gone', usage(100), T0);
    s = charge(s, 'gone', usage(50), T0);
    expect(budgetReport(s, T0).tokens.used).toBe(150);
  });

  it('rejects duplicate ids and malformed amounts as omk bugs', () => {
    const s = reserve(budget({}), { id: 'r', task_id: 't', ...est(1) }, T0);
    expect(() => reserve(s, { id: 'r', task_id: 't', ...est(1) }, T0)).toThrow(OmkError);
    expect(() => checkBeforeSpawn(s, est(-1), T0)).toThrow(/estimate.tokens must be a whole non-negative number/);
    expect(() => spend(s, { tokens_in: 1.5, tokens_out: 0, usd_micros: 0 }, T0)).toThrow(/usage.tokens_in/);
  });

  it('never mutates its input', () => {
    const s = reserve(budget({ tokens: 100 }), { id: 'r', task_id: 't', ...est(10) }, T0);
    const copy = structuredClone(s);
    charge(s, 'r', usage(5), T0);
    reconcile(s, 'r', usage(50), T0);
    release(s, 'r', T0);
    spend(s, usage(1), T0);
    expect(s).toEqual(copy);
  });
});

describe('checkBetweenTurns', () => {
  it('without a reservation: stops only when actual spend reaches a limit (reservations are promises, not spend)', () => {
    let s = reserve(budget({ tokens: 1_000 }), { id: 'r', task_id: 't', ...est(1_000) }, T0);
    expect(checkBetweenTurns(s, T0)).toEqual({ ok: true });
    s = spend(s, usage(1_000), T0);
    expect(checkBetweenTurns(s, T0)).toMatchObject({ ok: false, exhausted: 'tokens', detail: 'tokens: 1000 used of the 1000 limit' });
  });

  it('with a reservation: the worker may use its own reservation and unreserved room, not other workers’ reservations', () => {
    let s = budget({ tokens: 10_000 });
    s = reserve(s, { id: 'a', task_id: 'ta', ...est(4_000) }, T0);
    s = reserve(s, { id: 'b', task_id: 'tb', ...est(4_000) }, T0);
    s = charge(s, 'a', usage(4_000), T0); // a used its estimate; 2000 unreserved remain
    expect(checkBetweenTurns(s, T0, { reservationId: 'a' }).ok).toBe(true);
    expect(checkBetweenTurns(s, T0, { reservationId: 'a', nextTurn: est(2_500) })).toMatchObject({
      ok: false,
      detail: 'tokens: 2000 left (+ 4000 reserved by other workers), the next turn is estimated at 2500',
    });
    s = charge(s, 'a', usage(2_000), T0);
    expect(checkBetweenTurns(s, T0, { reservationId: 'a' })).toMatchObject({
      ok: false,
      detail: 'tokens: 6000 used (+ 4000 reserved by other workers) of the 10000 limit',
    });
    // b is untouched: its reservation is still its own.
    expect(checkBetweenTurns(s, T0, { reservationId: 'b' }).ok).toBe(true);
  });

  it('time: stops when the running time is used up', () => {
    const s = startClock(budget({ time_ms: 1_000 }), T0);
    expect(checkBetweenTurns(s, at(999)).ok).toBe(true);
    expect(checkBetweenTurns(s, at(1_000))).toMatchObject({ ok: false, exhausted: 'time' });
    expect(checkBetweenTurns(s, at(500), { nextTurn: { ...est(0), time_ms: 600 } })).toMatchObject({
      ok: false,
      detail: 'time: 500ms left, the next turn is estimated at 600ms',
    });
  });
});
