import { describe, expect, it } from 'vitest';
import { decideMerge, humanAcceptedIn } from '../../../src/core/delivery/merge-policy.js';
import type { CheckState, MergeDecisionInput } from '../../../src/core/delivery/merge-policy.js';
import type { MergePolicy } from '../../../src/core/config/types.js';
import type { VerdictStatus } from '../../../src/core/proof/evidence.js';

const green: Record<string, CheckState> = { ci: 'success', lint: 'success' };

function input(policy: MergePolicy, verdict: VerdictStatus, humanAccepted: boolean, states: Record<string, CheckState> = green): MergeDecisionInput {
  return { policy, verdict, humanAccepted, checks: { required: ['ci', 'lint'], states } };
}

describe('decideMerge', () => {
  const table: [string, MergeDecisionInput, boolean, RegExp][] = [
    ['disabled never merges, even ready and accepted', input('disabled', 'ready', true), false, /`disabled`/],
    ['manual needs a human accept', input('manual', 'ready', false), false, /no human accept is recorded/],
    ['manual needs a ready verdict', input('manual', 'not_ready', true), false, /verdict is `not_ready`/],
    ['manual does not merge over a failed check', input('manual', 'ready', true, { ci: 'failure', lint: 'success' }), false, /`ci` failed/],
    ['manual merges with accept, ready and green checks', input('manual', 'ready', true), true, /a human accepted/],
    ['gated needs a ready verdict', input('gated', 'blocked_on_human', false), false, /`blocked_on_human`/],
    ['gated refuses a failed check', input('gated', 'ready', false, { ci: 'success', lint: 'failure' }), false, /required check `lint` failed/],
    ['gated refuses a pending check', input('gated', 'ready', false, { ci: 'pending', lint: 'success' }), false, /`ci` is still pending/],
    ['gated refuses a missing check', input('gated', 'ready', false, { ci: 'success' }), false, /`lint` has not reported/],
    ['gated merges when ready and every required check passed', input('gated', 'ready', false), true, /all 2 required checks passed/],
    ['gated does not need an accept', input('gated', 'ready', false), true, /verdict is `ready`/],
  ];
  it.each(table)('%s', (_name, given, merge, reason) => {
    const decision = decideMerge(given);
    expect(decision.merge).toBe(merge);
    expect(decision.reason).toMatch(reason);
  });

  it('lists every failing check, sorted, before pending ones', () => {
    const d = decideMerge({ policy: 'gated', verdict: 'ready', humanAccepted: false, checks: { required: ['z', 'a', 'p'], states: { z: 'failure', a: 'failure', p: 'pending' } } });
    expect(d).toEqual({ merge: false, reason: 'required checks `a`, `z` failed' });
  });

  it('a gated merge with no required checks rests on the verdict alone', () => {
    const d = decideMerge({ policy: 'gated', verdict: 'ready', humanAccepted: false, checks: { required: [], states: { other: 'failure' } } });
    expect(d.merge).toBe(true);
    expect(d.reason).toContain('no required checks are configured');
  });
});

describe('humanAcceptedIn', () => {
  const d = (kind: 'accept' | 'reject') => ({ kind, by: 'ann', at: '2025-01-01T00:00:00Z', text: 'x' });
  it('is true only when the latest decision is an accept', () => {
    expect(humanAcceptedIn({ human: { questions: [], decisions: [] } })).toBe(false);
    expect(humanAcceptedIn({ human: { questions: [], decisions: [d('accept')] } })).toBe(true);
    expect(humanAcceptedIn({ human: { questions: [], decisions: [d('accept'), d('reject')] } })).toBe(false);
    expect(humanAcceptedIn({ human: { questions: [], decisions: [d('reject'), d('accept')] } })).toBe(true);
  });
});
