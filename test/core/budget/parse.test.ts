import { describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import {
  describeLimits,
  formatDurationMs,
  parseBudgetLimits,
  parseTimeLimit,
  parseTokenLimit,
  parseUsdLimit,
} from '../../../src/core/budget/parse.js';
import { formatUsd, parseUsdText, usdToMicros } from '../../../src/core/budget/money.js';

const flag = (field: string) => ({ field });

function thrown(fn: () => unknown): OmkError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OmkError) return error;
    throw error;
  }
  throw new Error('expected an OmkError');
}

describe('parsing budget limits', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    [120, 120_000],
  ])('time %j → %i ms', (text, ms) => {
    expect(parseTimeLimit(text, flag('--budget-time'))).toBe(ms);
  });

  it.each(['0s', '', 'soon', '1.5h', '-5m', 0, -1, null])('rejects time %j, naming the flag', (text) => {
    const error = thrown(() => parseTimeLimit(text, flag('--budget-time')));
    expect(error.code).toBe('usage');
    expect(error.message).toMatch(/^--budget-time: expected a positive duration like 90s, 15m, 2h or 1h30m, got /);
  });

  it.each([
    ['200000', 200_000],
    ['200_000', 200_000],
    ['500k', 500_000],
    ['500K', 500_000],
    ['2M', 2_000_000],
    ['1.5M', 1_500_000],
    ['2.25k', 2_250],
    [' 42 ', 42],
    [1000, 1000],
  ])('tokens %j → %i', (text, tokens) => {
    expect(parseTokenLimit(text, flag('--budget-tokens'))).toBe(tokens);
  });

  it.each(['0', '-5', '1.5', '1.2345k', 'lots', '2G', 0, 1.5, Number.NaN, undefined])('rejects tokens %j', (text) => {
    const error = thrown(() => parseTokenLimit(text, flag('--budget-tokens')));
    expect(error.message).toMatch(/^--budget-tokens: expected a positive whole number of tokens like 200000, 500k or 2M, got /);
  });

  it.each([
    ['5', 5_000_000],
    ['0', 0],
    ['0.25', 250_000],
    ['$12.50', 12_500_000],
    ['.5', 500_000],
    ['0.000001', 1],
    ['10.', 10_000_000],
    [0.1, 100_000],
    [19.99, 19_990_000],
    [0, 0],
  ])('usd %j → %i micro-dollars, exactly', (text, micros) => {
    expect(parseUsdLimit(text, flag('--budget-usd'))).toBe(micros);
  });

  it.each(['-1', '1.0000001', 'ten', '$', '1,5', -0.5, Number.POSITIVE_INFINITY, 1e-7])('rejects usd %j', (text) => {
    const error = thrown(() => parseUsdLimit(text, flag('--budget-usd')));
    expect(error.message).toMatch(/^--budget-usd: expected a non-negative amount of US dollars/);
  });

  it('uses the caller’s field name and error code for config files', () => {
    const error = thrown(() => parseTokenLimit('many', { field: 'goal.budget_tokens', code: 'config_invalid' }));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe('goal.budget_tokens: expected a positive whole number of tokens like 200000, 500k or 2M, got "many"');
  });

  it('parses all three at once; absent members are unlimited', () => {
    expect(parseBudgetLimits({ time: '1h30m', usd: '2.50' })).toEqual({ time_ms: 5_400_000, tokens: null, usd_micros: 2_500_000 });
    expect(() => parseBudgetLimits({ tokens: 'x' })).toThrow(/^--budget-tokens: /);
    expect(describeLimits(parseBudgetLimits({ time: '2h', tokens: '2M', usd: '5' }))).toBe('time 2h, tokens 2000000, usd $5.00');
    expect(describeLimits(parseBudgetLimits({}))).toBe('no limits');
  });
});

describe('money', () => {
  it('0.1 + 0.2 is exactly 0.3 in micro-dollars', () => {
    const sum = parseUsdLimit('0.1', flag('x')) + parseUsdLimit('0.2', flag('x'));
    expect(sum).toBe(parseUsdLimit('0.3', flag('x')));
    expect(usdToMicros(0.1) + usdToMicros(0.2)).toBe(300_000);
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
    expect(formatUsd(sum)).toBe('$0.30');
  });

  it('sums many small amounts without drift, and keeps sub-cent amounts (no truncation to cents)', () => {
    let micros = 0;
    for (let i = 0; i < 1000; i++) micros += usdToMicros(0.001);
    expect(micros).toBe(1_000_000);
    expect(usdToMicros(0.0042)).toBe(4200);
    expect(formatUsd(4200)).toBe('$0.0042');
  });

  it.each([
    [0, '$0.00'],
    [1, '$0.000001'],
    [123, '$0.000123'],
    [100_000, '$0.10'],
    [5_000_000, '$5.00'],
    [1_234_567, '$1.234567'],
    [12_500_000, '$12.50'],
    [-250_000, '-$0.25'],
  ])('formats %i µ$ as %s', (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
    if (micros >= 0) expect(parseUsdText(text)).toBe(micros);
  });

  it('turns non-finite or negative engine costs into 0', () => {
    expect(usdToMicros(Number.NaN)).toBe(0);
    expect(usdToMicros(-1)).toBe(0);
    expect(usdToMicros(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it.each([
    [999, '999ms'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [90_061_000, '1d1h1m1s'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
