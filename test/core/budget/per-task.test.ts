import { describe, expect, it } from 'vitest';
import { addPerTaskBudget, checkTaskBeforeSpawn, checkTaskBetweenTurns, hasPerTaskLimits, parsePerTaskLimits } from '../../../src/core/budget/index.js';

describe('per-task budgets', () => {
  it('parse with the goal limits’ formats and name the flag in errors', () => {
    expect(parsePerTaskLimits({ tokens: '200k', usd: '0.5' })).toEqual({ tokens: 200_000, usd_micros: 500_000 });
    expect(parsePerTaskLimits({})).toEqual({ tokens: null, usd_micros: null });
    expect(hasPerTaskLimits(parsePerTaskLimits({}))).toBe(false);
    expect(hasPerTaskLimits({ tokens: null, usd_micros: 0 })).toBe(true);
    expect(() => parsePerTaskLimits({ tokens: '1.5' })).toThrow(/^--budget-task-tokens: expected a positive whole number of tokens/);
    expect(() => parsePerTaskLimits({ usd: '-1' })).toThrow(/^--budget-task-usd: expected a non-negative amount/);
  });

  it('admit a task while its spend plus the estimate fits its limit (reaching it exactly is allowed)', () => {
    const limits = { tokens: 100_000, usd_micros: 1_000_000 };
    expect(checkTaskBeforeSpawn(limits, 't1', { tokens: 50_000, usd_micros: 0 }, { tokens: 50_000, usd_micros: 1_000_000 })).toEqual({ ok: true });
    const refused = checkTaskBeforeSpawn(limits, 't1', { tokens: 60_000, usd_micros: 0 }, { tokens: 50_000, usd_micros: 100_000 });
    expect(refused).toEqual({
      ok: false,
      exhausted: 'tokens',
      dimensions: ['tokens'],
      detail: 'task t1 tokens: 60000 used + 50000 estimated = 110000, over the per-task limit of 100000',
    });
    const both = checkTaskBeforeSpawn(limits, 't1', { tokens: 60_000, usd_micros: 950_000 }, { tokens: 50_000, usd_micros: 100_000 });
    expect(both.ok === false && both.dimensions).toEqual(['tokens', 'usd']);
    expect(both.ok === false && both.detail).toContain('task t1 usd: $0.95 used + $0.10 estimated = $1.05, over the per-task limit of $1.00');
  });

  it('stop a turn once the task has nothing left: spend before the turn plus the turn so far reaches the limit', () => {
    const limits = { tokens: 100_000, usd_micros: null };
    expect(checkTaskBetweenTurns(limits, 't1', { tokens: 40_000, usd_micros: 0 }, { tokens: 59_999, usd_micros: 0 })).toEqual({ ok: true });
    const stop = checkTaskBetweenTurns(limits, 't1', { tokens: 40_000, usd_micros: 0 }, { tokens: 60_000, usd_micros: 0 });
    expect(stop).toMatchObject({ ok: false, exhausted: 'tokens', detail: 'task t1 tokens: 100000 used of the per-task limit of 100000' });
  });

  it('budget-add raises a per-task limit to max(limit, most any task spent) + amount; an unset one is a usage error', () => {
    const { limits, extensions } = addPerTaskBudget({ tokens: 100_000, usd_micros: null }, { tokens: 130_000, usd_micros: 0 }, { tokens: 50_000 });
    expect(limits).toEqual({ tokens: 180_000, usd_micros: null });
    expect(extensions).toEqual([{ dimension: 'tokens', from: 100_000, to: 180_000, text: 'per-task tokens: 100000 → 180000' }]);
    expect(addPerTaskBudget({ tokens: 100_000, usd_micros: null }, { tokens: 10, usd_micros: 0 }, { tokens: 1 }).limits.tokens).toBe(100_001);
    expect(() => addPerTaskBudget({ tokens: 100_000, usd_micros: null }, { tokens: 0, usd_micros: 0 }, { usd_micros: 1 })).toThrow(
      '--task-usd: the goal has no per-task usd limit, so there is nothing to add to',
    );
    expect(() => addPerTaskBudget(null, { tokens: 0, usd_micros: 0 }, { tokens: 1 })).toThrow(/no per-task tokens limit/);
    expect(() => addPerTaskBudget({ tokens: 1, usd_micros: null }, { tokens: 0, usd_micros: 0 }, { tokens: 0 })).toThrow(/greater than zero/);
  });
});
