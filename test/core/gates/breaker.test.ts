import { describe, expect, it } from 'vitest';
import {
  admit,
  breakerSignal,
  closedBreaker,
  recordOutcome,
  resetBreaker,
  type BreakerPolicy,
  type BreakerRecord,
} from '../../../src/core/gates/breaker.js';
import type { GateOutcome } from '../../../src/core/gates/evidence.js';

const policy: BreakerPolicy = { threshold: 3, cooldownMs: 60_000 };
const t0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);

function feed(record: BreakerRecord, outcomes: GateOutcome[], ms = 0): BreakerRecord {
  return outcomes.reduce((r, o) => recordOutcome(r, o, `outcome ${o}`, at(ms), policy).record, record);
}

describe('circuit breaker', () => {
  const fresh = closedBreaker('/repo', 'test', at(0));

  it('counts timeouts and environment failures, not test failures or cancellations', () => {
    expect(breakerSignal('infra_error')).toBe('infra_failure');
    expect(breakerSignal('timed_out')).toBe('infra_failure');
    expect(breakerSignal('failed')).toBe('success');
    expect(breakerSignal('passed')).toBe('success');
    expect(breakerSignal('canceled')).toBe('neutral');
    expect(breakerSignal('breaker_open')).toBe('neutral');
  });

  it('opens after threshold consecutive infrastructure failures, with a transition', () => {
    const two = feed(fresh, ['infra_error', 'timed_out']);
    expect(two).toMatchObject({ state: 'closed', consecutive_failures: 2 });
    const third = recordOutcome(two, 'infra_error', 'exit 127 (command not found)', at(5), policy);
    expect(third.record).toMatchObject({ state: 'open', consecutive_failures: 3, opened_at: at(5).toISOString() });
    expect(third.transition).toEqual({
      gate: 'test',
      from: 'closed',
      to: 'open',
      reason: '3 consecutive infrastructure failures (last: exit 127 (command not found))',
      consecutive_failures: 3,
    });
  });

  it('never opens on ordinary test failures, and a failure that ran resets the count', () => {
    expect(feed(fresh, ['failed', 'failed', 'failed', 'failed', 'failed'])).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(feed(fresh, ['infra_error', 'infra_error', 'failed', 'infra_error', 'infra_error'])).toMatchObject({
      state: 'closed',
      consecutive_failures: 2,
    });
  });

  it('an open breaker refuses until the cool-down, then admits one probe as half-open', () => {
    const open = feed(fresh, ['timed_out', 'timed_out', 'timed_out']);
    const refused = admit(open, at(59_999), policy);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retry_at).toBe(at(60_000).toISOString());
      expect(refused.reason).toContain('omk gates reset test');
      expect(refused.reason).toContain('outcome timed_out');
    }
    const probe = admit(open, at(60_000), policy);
    expect(probe).toMatchObject({ allowed: true, record: { state: 'half_open' }, transition: { from: 'open', to: 'half_open' } });
  });

  it('a probe that runs closes the breaker; a probe with an infra failure re-opens it', () => {
    const half: BreakerRecord = { ...feed(fresh, ['timed_out', 'timed_out', 'timed_out']), state: 'half_open' };
    const ran = recordOutcome(half, 'failed', 'exit 1', at(61_000), policy);
    expect(ran.record).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(ran.transition).toMatchObject({ from: 'half_open', to: 'closed' });
    const again = recordOutcome(half, 'infra_error', 'exit 127', at(61_000), policy);
    expect(again.record).toMatchObject({ state: 'open', opened_at: at(61_000).toISOString() });
    expect(again.transition).toMatchObject({ from: 'half_open', to: 'open', reason: 'probe failed: exit 127' });
  });

  it('closed and healthy stays the same object (nothing to save)', () => {
    expect(recordOutcome(fresh, 'passed', '', at(1), policy).record).toBe(fresh);
    expect(recordOutcome(fresh, 'canceled', '', at(1), policy).record).toBe(fresh);
  });

  it('reset closes from any state', () => {
    const open = feed(fresh, ['timed_out', 'timed_out', 'timed_out']);
    const reset = resetBreaker(open, at(2));
    expect(reset.record).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(reset.transition).toMatchObject({ from: 'open', to: 'closed', reason: 'reset by hand' });
    expect(resetBreaker(fresh, at(2)).transition).toBeUndefined();
  });
});
