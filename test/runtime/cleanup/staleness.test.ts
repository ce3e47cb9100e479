import { describe, expect, it } from 'vitest';
import { GOAL_STATUSES, type Lease } from '../../../src/core/store/types.js';
import { mayContinue } from '../../../src/core/goal/status.js';
import { branchStaleness, goalComponentOf, shellQuote, worktreeStaleness } from '../../../src/runtime/cleanup/index.js';

const now = new Date('2025-03-01T12:00:00.000Z');
const lease = (expiresAt: string): Lease => ({ goalId: 'g1', taskId: 't1', owner: 'w1', token: 3, acquiredAt: '2025-03-01T11:00:00.000Z', expiresAt });
const facts = { goalId: 'g1', lease: undefined, pid: 42, pidAlive: false, now };

describe('worktreeStaleness', () => {
  it('every status a goal can never continue from makes a worktree stale, whatever its lease or process', () => {
    const finished = GOAL_STATUSES.filter((s) => !mayContinue(s));
    expect(finished).toEqual(['ready', 'not_ready', 'blocked_on_human', 'blocked_on_external', 'failed_infra', 'cancelled']);
    for (const status of finished) {
      const live = worktreeStaleness({ ...facts, goalStatus: status, lease: lease('2099-01-01T00:00:00.000Z'), pidAlive: true });
      expect(live).toMatchObject({ stale: true, reason: 'goal_terminal' });
    }
  });

  it('a goal that needs more budget keeps its worktrees and branches: budget-add resumes it', () => {
    const kept = worktreeStaleness({ ...facts, goalStatus: 'needs_more_budget', pidAlive: true });
    expect(kept).toMatchObject({ stale: false });
    expect(branchStaleness('omk/g1/t1', new Map([['g1', 'needs_more_budget']]))).toMatchObject({ stale: false });
  });

  it('an unknown goal is stale', () => {
    expect(worktreeStaleness({ ...facts, goalStatus: undefined, pidAlive: true })).toMatchObject({ stale: true, reason: 'goal_unknown' });
  });

  it('an unfinished goal: a live lease or a live maker keeps it; neither makes it stale', () => {
    const live = lease('2025-03-01T12:00:00.001Z');
    const expired = lease('2025-03-01T12:00:00.000Z'); // the store's rule: expires_at <= now is expired
    expect(worktreeStaleness({ ...facts, goalStatus: 'running', lease: live })).toMatchObject({ stale: false });
    expect(worktreeStaleness({ ...facts, goalStatus: 'running', pidAlive: true })).toMatchObject({ stale: false });
    expect(worktreeStaleness({ ...facts, goalStatus: 'running', lease: expired })).toMatchObject({ stale: true, reason: 'owner_gone' });
    expect(worktreeStaleness({ ...facts, goalStatus: 'paused' })).toMatchObject({ stale: true, reason: 'owner_gone' });
  });
});

describe('branchStaleness', () => {
  const goals = new Map([
    ['g1', 'running' as const],
    ['g2', 'ready' as const],
  ]);
  it('finds the goal from the branch name', () => {
    expect(branchStaleness('omk/g1/t1', goals)).toMatchObject({ stale: false, goalId: 'g1' });
    expect(branchStaleness('omk/g2/integration', goals)).toMatchObject({ stale: true, reason: 'goal_terminal', goalId: 'g2' });
    expect(branchStaleness('omk/g3/t1', goals)).toMatchObject({ stale: true, reason: 'goal_unknown', goalId: undefined });
    expect(branchStaleness('omk/loose', goals)).toMatchObject({ stale: true, reason: 'goal_unknown' });
  });
  it('goalComponentOf', () => {
    expect(goalComponentOf('omk/g1/t1')).toBe('g1');
    expect(goalComponentOf('omk/g1')).toBeUndefined();
    expect(goalComponentOf('omkx/g1/t1')).toBeUndefined();
  });
});

describe('shellQuote', () => {
  it('quotes only what needs it', () => {
    expect(shellQuote('/repo/.omk/worktrees/g1/t1')).toBe('/repo/.omk/worktrees/g1/t1');
    expect(shellQuote("/my repo/it's")).toBe(`'/my repo/it'\\''s'`);
  });
});
