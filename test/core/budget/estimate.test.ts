import { describe, expect, it } from 'vitest';
import { DEFAULT_ESTIMATE_FLOOR, estimateCost, nearestRank, type CostSample } from '../../../src/core/budget/index.js';

const sample = (tokens: number, usd_micros: number, role = 'executor', engine = 'kimi'): CostSample => ({ engine, role, tokens, usd_micros });

describe('estimateCost', () => {
  it('uses the floor when there is no history', () => {
    expect(estimateCost([], { engine: 'kimi', role: 'executor' })).toEqual({
      ...DEFAULT_ESTIMATE_FLOOR,
      basis: 'no kimi/executor history: the floor (50000 tokens, $0.10)',
    });
  });

  it('takes the p90 of the last N samples of the same engine and role', () => {
    const history = [
      sample(900_000, 9_000_000), // outside the window of 10
      ...Array.from({ length: 10 }, (_, i) => sample(60_000 + i * 10_000, 200_000 + i * 10_000)),
      sample(1, 1, 'reviewer'),
      sample(1, 1, 'executor', 'codex'),
    ];
    const e = estimateCost(history, { engine: 'kimi', role: 'executor' });
    expect(e).toEqual({ tokens: 140_000, usd_micros: 280_000, basis: 'p90 of the last 10 kimi/executor samples' });
    expect(estimateCost(history, { engine: 'kimi', role: 'executor', percentile: 50 }).tokens).toBe(100_000);
    expect(estimateCost(history, { engine: 'kimi', role: 'executor', window: 3, percentile: 100 }).tokens).toBe(150_000);
  });

  it('never goes below the floor, falls back to the engine in any role, and scales', () => {
    const history = [sample(1_000, 1_000, 'planner')];
    const e = estimateCost(history, { engine: 'kimi', role: 'executor', floor: { tokens: 5_000, usd_micros: 10, time_ms: 1_000 }, scale: 3 });
    expect(e).toEqual({ tokens: 15_000, usd_micros: 3_000, time_ms: 3_000, basis: 'p90 of the last 1 kimi (any role) sample, × 3' });
  });

  it('nearest rank', () => {
    expect(nearestRank([5, 1, 3], 50)).toBe(3);
    expect(nearestRank([5, 1, 3], 100)).toBe(5);
    expect(nearestRank([5, 1, 3], 1)).toBe(1);
  });
});
