import { describe, expect, it } from 'vitest';
import { validateEventPayload } from '../../../src/core/events/catalogue.js';
import { buildEnvelope, genesisHash, type EventEnvelope } from '../../../src/core/events/envelope.js';
import type { ParseStats } from '../../../src/core/events/parse-log.js';
import { renderReplay, summarizeEvent } from '../../../src/core/goal/controller/replay.js';

/** A valid payload of each type and the line replay and watch show for it. */
const CASES: Array<[string, Record<string, unknown>, string]> = [
  ['goal.controller_started', { owner: 'ctl-host-41', pid: 41, host: 'host', resumed: false }, 'controller ctl-host-41 took charge (pid 41 on host)'],
  ['goal.controller_started', { owner: 'ctl-host-42', pid: 42, host: 'host', resumed: true }, 'controller ctl-host-42 took charge (pid 42 on host), resuming'],
  ['goal.resumed', { by: 'alice', crashed_controller: 'ctl-host-41' }, 'goal resumed by alice after controller ctl-host-41 died'],
  ['goal.resumed', { by: 'alice' }, 'goal resumed by alice'],
  ['goal.paused', { by: 'alice', reason: 'lunch' }, 'goal paused (asked by alice): lunch'],
  ['goal.cancelled', {}, 'goal cancelled'],
  ['goal.cancelled', { reason: 'wrong repo' }, 'goal cancelled: wrong repo'],
  ['goal.failed', { reason: 'planner crashed' }, 'goal failed: planner crashed'],
  ['goal.pause_requested', { by: 'alice' }, 'pause requested by alice'],
  ['task.blocked', { task_id: 't-a', attempt: 2, reason: 'no agent could start: kimi not found' }, 'task t-a blocked (attempt 2): no agent could start: kimi not found'],
  ['goal.cancel_requested', { by: 'bob', reason: 'not needed' }, 'cancel requested by bob: not needed'],
  [
    'task.attempt_interrupted',
    { task_id: 't-a', attempt: 1, round: 1, reason: 'controller stopped (SIGINT)' },
    'task t-a attempt 1 interrupted (not counted as a failure): controller stopped (SIGINT)',
  ],
  [
    'task.lease_expired',
    { task_id: 't-a', owner: 'worker-7', token: 3, expired_at: '2025-03-01T12:00:00.000Z' },
    'lease on task t-a expired (owner worker-7); the task went back to the queue',
  ],
  [
    'task.added',
    {
      task: { id: 'fix-t-b', title: 'Resolve the conflict in src/a.ts', description: 'd', acceptance: ['merges'] },
      source: 'integration_conflict',
      fixes: 't-b',
      start_sha: null,
      merge_from: null,
      reason: 'merge conflicted',
    },
    'task fix-t-b added (integration_conflict for t-b): "Resolve the conflict in src/a.ts" — merge conflicted',
  ],
  [
    'task.proposal_rejected',
    { by_task: 't-a', attempt: 2, proposal_id: null, problems: ['no title', 'cycle t-a -> t-a'] },
    'proposal (no id) from task t-a attempt 2 rejected: no title; cycle t-a -> t-a',
  ],
  [
    'integration.bisected',
    { round: 1, gates: ['test'], slices: ['t-a', 't-b', 't-c'], responsible: 't-b', together_with: ['t-a'], runs: ['r1', 'r2'] },
    'combined failure of [test] bisected: t-b breaks it together with [t-a] (order [t-a, t-b, t-c])',
  ],
  ['integration.conflicted', { task_id: 't-b', paths: ['src/a.ts', 'src/b.ts'] }, 'merge of t-b conflicted on [src/a.ts, src/b.ts]'],
  [
    'worktree.recovered',
    {
      task_id: 't-a',
      path: '/w/t-a',
      head: 'aaaaaaaaaaaaaaaa',
      reset_to: 'bbbbbbbbbbbbbbbb',
      snapshot_tree: 'cccccccccccccccc',
      dirty_paths: ['a.ts', 'b.ts'],
      discarded_commits: ['dddd'],
      moved_aside: null,
    },
    'worktree of task t-a recovered: 2 dirty path(s) saved as tree cccccccccccc, 1 commit(s) set aside, reset to bbbbbbbbbbbb',
  ],
  [
    'worktree.bootstrapped',
    { task_id: 't-a', attempt: 1, path: '/w', ok: true, copied: ['.env'], copied_count: 1, skipped: [], excluded: ['.env'], setup: null, failure: null },
    'worktree for task t-a attempt 1 ready: 1 file(s) copied, 0 skipped',
  ],
  [
    'worktree.bootstrapped',
    {
      task_id: 't-a',
      attempt: 2,
      path: '/w',
      ok: false,
      copied: [],
      copied_count: 0,
      skipped: [],
      excluded: [],
      setup: {
        command: 'npm ci',
        exit_code: 1,
        signal: null,
        spawn_error: null,
        duration_ms: 1500,
        timeout_ms: 60000,
        timed_out: false,
        canceled: false,
        stdout: { path: 'o', sha256: 'x', bytes: 0, truncated: false },
        stderr: { path: 'e', sha256: 'y', bytes: 0, truncated: false },
      },
      failure: 'setup command `npm ci` exited 1',
    },
    'worktree for task t-a attempt 2 NOT ready: setup command `npm ci` exited 1',
  ],
  [
    'budget.set',
    { limits: { time_ms: 5_400_000, tokens: 500_000, usd_micros: null }, source: 'flags', per_task: { tokens: 100_000, usd_micros: 1_500_000 } },
    'budget set from flags: time 1h30m, tokens 500000; per task tokens 100000, usd $1.50',
  ],
  [
    'budget.reserved',
    { reservation_id: 'rsv-1', task_id: 't-a', role: 'executor', tokens: 12_000, usd_micros: 30_000, owner: 'ctl' },
    'reserved 12000 tokens, $0.03 for task t-a (executor, rsv-1)',
  ],
  ['budget.released', { reservation_id: 'rsv-1', task_id: 't-a', reason: 'settled' }, 'released reservation rsv-1 of task t-a (settled)'],
  ['budget.checkpoint', { time_ms: 95_000 }, 'running time so far 1m35s'],
  [
    'budget.exhausted',
    { dimension: 'usd', detail: 'spent $5.00 of $5.00', role: 'executor', time_ms: 60_000, task_id: 't-a' },
    'budget exhausted: usd of task t-a (executor after 1m): spent $5.00 of $5.00',
  ],
  [
    'budget.extended',
    {
      by: 'alice',
      extensions: [{ dimension: 'usd', from: 5_000_000, to: 7_000_000, text: '2.00' }, { dimension: 'time', from: 3_600_000, to: 7_200_000, text: '1h' }],
      limits: { time_ms: 7_200_000, tokens: null, usd_micros: 7_000_000 },
    },
    'budget extended by alice: usd $5.00 -> $7.00, time 1h -> 2h; now time 2h, usd $7.00',
  ],
  ['human.accepted', { by: 'alice', at: '2025-03-01T12:00:00.000Z', summary: 'checked by hand' }, 'accepted by alice: checked by hand'],
  ['human.rejected', { by: 'bob', at: '2025-03-01T12:00:00.000Z', reason: 'wrong approach' }, 'rejected by bob: wrong approach'],
  [
    'delivery.pr_opened',
    { operation: 'created', number: 7, url: 'https://github.com/o/r/pull/7', draft: true, head_sha: 'eeeeeeeeeeeeeeee', branch: 'omk/g-1', base: 'main', remote: 'origin', verdict: 'ready' },
    'PR #7 created (draft): omk/g-1 at eeeeeeeeeeee -> main, verdict ready https://github.com/o/r/pull/7',
  ],
  [
    'delivery.merged',
    { number: 7, url: 'u', policy: 'gated', head_sha: 'e', merge_sha: 'ffffffffffffffff', already_merged: false, reason: 'checks passed' },
    'PR #7 merged (policy gated) as ffffffffffff: checks passed',
  ],
  ['delivery.merge_refused', { number: null, url: null, policy: 'gated', head_sha: null, reason: 'no pull request' }, 'merge refused (policy gated): no pull request'],
  [
    'delivery.failed',
    { policy: 'draft-pr', merge_policy: 'never', stage: 'open_pr', code: 'blocked', message: 'no GitHub token', hint: 'set GITHUB_TOKEN' },
    'delivery (draft-pr) failed at open_pr: blocked: no GitHub token — set GITHUB_TOKEN',
  ],
];

describe('summarizeEvent', () => {
  it.each(CASES)('%s reads as one line', (type, payload, line) => {
    expect(validateEventPayload(type, payload)).toEqual({ ok: true });
    expect(summarizeEvent(type, payload)).toBe(line);
  });

  it('falls back to the payload keys only for types it does not know', () => {
    expect(summarizeEvent('thing.from_a_newer_omk', { b: 1, a: 2 })).toBe('a, b');
  });

  it('does not throw on a payload of the wrong shape (an older or newer log)', () => {
    for (const [type] of CASES) expect(typeof summarizeEvent(type, { unexpected: true })).toBe('string');
    expect(summarizeEvent('budget.checkpoint', null)).toBe('running time so far undefined');
  });
});

describe('renderReplay', () => {
  const events = (): EventEnvelope[] => {
    const out: EventEnvelope[] = [];
    let prev = genesisHash('g-1');
    CASES.forEach(([type, payload], i) => {
      const env = buildEnvelope({ seq: i + 1, ts: `2025-03-01T12:00:${String(i).padStart(2, '0')}.000Z`, type, payload, prev });
      out.push(env);
      prev = env.hash;
    });
    return out;
  };
  const stats: ParseStats = { lines: CASES.length, parse_failures: 0, duplicates: 0, torn_tail: false };

  it('is the same bytes for the same log, in every format', () => {
    for (const format of ['text', 'md', 'json'] as const) {
      const a = renderReplay({ goalId: 'g-1', events: events(), stats }, format);
      const b = renderReplay({ goalId: 'g-1', events: events(), stats }, format);
      expect(a).toBe(b);
    }
  });

  it('shows the summaries, never a bare list of field names, for the control, budget, human and delivery events', () => {
    const text = renderReplay({ goalId: 'g-1', events: events(), stats }, 'text');
    for (const [, , line] of CASES) expect(text).toContain(line);
    expect(text).not.toMatch(/ by, reason$|owner, pid|reservation_id, role/m);
  });
});
