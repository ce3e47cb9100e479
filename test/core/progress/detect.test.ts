import { describe, expect, it } from 'vitest';
import { detectNoProgress, resolveProgressThresholds, DEFAULT_PROGRESS_THRESHOLDS } from '../../../src/core/progress/index.js';
import { OmkError } from '../../../src/core/errors.js';
import { attempt, chain, fail, failing } from './fixtures.js';

describe('repeated failure', () => {
  it('fires when the same gate fails the same way on 3 consecutive attempts', () => {
    const history = chain('t1', [{ failing_gates: [fail('test', 'aaaa1111bbbb2222')] }, { failing_gates: [fail('test', 'aaaa1111bbbb2222')] }, { failing_gates: [fail('test', 'aaaa1111bbbb2222')] }]);
    const report = detectNoProgress(history);
    expect(report.stalled).toBe(true);
    expect(report.findings).toEqual([
      {
        kind: 'repeated_failure',
        task_id: 't1',
        attempts: [1, 2, 3],
        message: 'task t1: gate test failed the same way on 3 consecutive attempts (#1, #2, #3; signature aaaa1111bbbb)',
        evidence: { gate: 'test', signature: 'aaaa1111bbbb2222', streak: 3, threshold: 3 },
      },
    ]);
  });

  it('does not fire when the signature changes, when fewer gates fail, or below the threshold', () => {
    const changing = chain('t', [{ failing_gates: [fail('test', 'a')] }, { failing_gates: [fail('test', 'b')] }, { failing_gates: [fail('test', 'c')] }]);
    expect(detectNoProgress(changing).stalled).toBe(false);
    // test keeps failing the same way, but lint and types got fixed along the way: progress.
    const shrinking = chain('t', [
      { failing_gates: [fail('test'), fail('lint'), fail('types')] },
      { failing_gates: [fail('test'), fail('lint')] },
      { failing_gates: [fail('test')] },
    ]);
    expect(detectNoProgress(shrinking).stalled).toBe(false);
    const two = chain('t', [{ failing_gates: [fail('test')] }, { failing_gates: [fail('test')] }]);
    expect(detectNoProgress(two).stalled).toBe(false);
    expect(detectNoProgress(two, { repeatedFailure: 2 }).findings.map((f) => f.kind)).toEqual(['repeated_failure']);
  });

  it('attempts where no gates ran neither extend nor break the streak', () => {
    const history = chain('t', [
      { failing_gates: [fail('test')] },
      { failing_gates: [fail('test')] },
      { diff_fingerprint: null, failing_gates: null },
      { failing_gates: [fail('test')] },
    ]);
    expect(detectNoProgress(history).findings[0]).toMatchObject({ kind: 'repeated_failure', attempts: [1, 2, 4] });
  });
});

describe('empty diffs', () => {
  it('fires when the last 2 attempts changed nothing', () => {
    const history = chain('t2', [{ failing_gates: [fail('test', 'x1')] }, { diff_fingerprint: null, failing_gates: null, exit_code: 0 }, { diff_fingerprint: null, failing_gates: null, exit_code: 1 }]);
    expect(detectNoProgress(history).findings).toEqual([
      {
        kind: 'empty_diffs',
        task_id: 't2',
        attempts: [2, 3],
        message: 'task t2: 2 consecutive attempts changed nothing (#2, #3)',
        evidence: { streak: 2, threshold: 2, exit_codes: [0, 1] },
      },
    ]);
  });

  it('does not fire on one empty attempt, or when an attempt with changes came last', () => {
    expect(detectNoProgress(chain('t', [{}, { diff_fingerprint: null }])).stalled).toBe(false);
    expect(detectNoProgress(chain('t', [{ diff_fingerprint: null }, { diff_fingerprint: null }, {}])).stalled).toBe(false);
  });
});

describe('oscillation', () => {
  it('fires when the tree returns to its state after an earlier attempt (A → B → A)', () => {
    const history = chain('t3', [{ failing_gates: [fail('test', 's1')] }, { failing_gates: [fail('test', 's2')] }, { tree_after: 'tree-t3-1', failing_gates: [fail('test', 's3')] }]);
    const [f] = detectNoProgress(history).findings;
    expect(f).toEqual({
      kind: 'oscillation',
      task_id: 't3',
      attempts: [1, 2, 3],
      message: 'task t3: attempt #3 returned the worktree to its state after attempt #1 (tree tree-t3-1)',
      evidence: { cause: 'tree', tree: 'tree-t3-1', returned_to: 1, oscillations: 1, threshold: 1 },
    });
  });

  it('fires when the tree returns to where the task started', () => {
    const history = chain('t', [{ failing_gates: [fail('a', '1')] }, { tree_after: 'tree-t-0', failing_gates: [fail('a', '2')] }]);
    expect(detectNoProgress(history).findings[0]!.message).toBe('task t: attempt #2 returned the worktree to the tree the task started from (tree tree-t-0)');
  });

  it('fires when an attempt’s diff is the inverse of an earlier attempt’s', () => {
    const history = chain('t', [{ failing_gates: [fail('a', '1')] }, { diff_fingerprint: 'inv-t-1', failing_gates: [fail('a', '2')], tree_after: 'elsewhere' }]);
    expect(detectNoProgress(history).findings).toEqual([
      expect.objectContaining({ kind: 'oscillation', attempts: [1, 2], message: 'task t: attempt #2 undid the change of attempt #1' }),
    ]);
  });

  it('fires when a hunk is re-applied after an attempt undid it', () => {
    const hunk = (fingerprint: string, inverse: string) => [{ path: 'src/a.ts', hunks: [{ fingerprint, inverse }] }];
    const history = chain('t', [
      { changed_files: hunk('h', 'h~'), failing_gates: [fail('a', '1')] },
      { changed_files: hunk('h~', 'h'), failing_gates: [fail('a', '2')] },
      { changed_files: hunk('h', 'h~'), failing_gates: [fail('a', '3')] },
    ]);
    expect(detectNoProgress(history).findings[0]).toMatchObject({
      kind: 'oscillation',
      attempts: [1, 2, 3],
      message: 'task t: attempt #3 re-applied a change to src/a.ts that attempt #2 had undone (first made in attempt #1)',
    });
  });

  it('does not fire on a history that keeps moving forward, or once the task moved on from a cycle', () => {
    expect(detectNoProgress(chain('t', [{ failing_gates: [fail('a', '1')] }, { failing_gates: [fail('a', '2')] }, { failing_gates: [fail('a', '3')] }])).stalled).toBe(false);
    const movedOn = chain('t', [{ failing_gates: failing(4, 1) }, { failing_gates: failing(3, 2) }, { tree_after: 'tree-t-1', failing_gates: failing(2, 3) }, { failing_gates: failing(1, 4) }]);
    expect(detectNoProgress(movedOn).stalled).toBe(false);
    expect(detectNoProgress(movedOn.slice(0, 3)).findings.map((f) => f.kind)).toEqual(['oscillation']);
  });

  it('the threshold counts the task’s undo attempts', () => {
    const history = chain('t', [{ failing_gates: [fail('a', '1')] }, { failing_gates: [fail('a', '2')] }, { tree_after: 'tree-t-1', failing_gates: [fail('a', '3')] }]);
    expect(detectNoProgress(history, { oscillations: 2 }).stalled).toBe(false);
  });
});

describe('no improvement', () => {
  it('fires when the number of failing gates does not go down over 4 attempts', () => {
    const history = chain('t4', [{ failing_gates: failing(2, 'a') }, { failing_gates: failing(3, 'b') }, { failing_gates: failing(2, 'c') }, { failing_gates: failing(2, 'd') }]);
    expect(detectNoProgress(history).findings).toEqual([
      {
        kind: 'no_improvement',
        task_id: 't4',
        attempts: [1, 2, 3, 4],
        message: 'task t4: the number of failing gates did not drop below 2 over 4 attempts (#1, #2, #3, #4: 2 → 3 → 2 → 2)',
        evidence: { failing_gate_counts: [2, 3, 2, 2], window: 4 },
      },
    ]);
  });

  it('does not fire when any attempt in the window improves, or with too few attempts', () => {
    expect(detectNoProgress(chain('t', [{ failing_gates: failing(2, 'a') }, { failing_gates: failing(3, 'b') }, { failing_gates: failing(1, 'c') }, { failing_gates: failing(2, 'd') }])).stalled).toBe(false);
    expect(detectNoProgress(chain('t', [{ failing_gates: failing(2, 'a') }, { failing_gates: failing(2, 'b') }, { failing_gates: failing(2, 'c') }])).stalled).toBe(false);
  });
});

describe('the report', () => {
  it('a task whose latest attempt passed is not stalled, whatever came before', () => {
    const history = chain('t', [{ failing_gates: [fail('test')] }, { failing_gates: [fail('test')] }, { failing_gates: [fail('test')] }, { passed: true, failing_gates: [] }]);
    expect(detectNoProgress(history)).toEqual({
      stalled: false,
      findings: [],
      diagnosis: 'No stall detected: 4 attempts across 1 task; every task is passing or still making progress.',
    });
  });

  it('orders findings by task then kind, and writes the diagnosis with likely causes', () => {
    const history = [
      ...chain('b', [{ diff_fingerprint: null, failing_gates: null }, { diff_fingerprint: null, failing_gates: null }]),
      ...chain('a', [{ failing_gates: [fail('test', 'same')] }, { failing_gates: [fail('test', 'same')] }, { failing_gates: [fail('test', 'same')] }, { failing_gates: [fail('test', 'same')] }]),
      attempt('c', 1, { passed: true }),
    ];
    const report = detectNoProgress(history);
    expect(report.findings.map((f) => `${f.task_id}:${f.kind}`)).toEqual(['b:empty_diffs', 'a:repeated_failure', 'a:no_improvement']);
    expect(report.diagnosis).toBe(
      [
        'Stalled: 2 tasks stopped making progress (3 findings).',
        '- task b: 2 consecutive attempts changed nothing (#1, #2)',
        '- task a: gate test failed the same way on 4 consecutive attempts (#1, #2, #3, #4; signature same)',
        '- task a: the number of failing gates did not drop below 1 over 4 attempts (#1, #2, #3, #4: 1 → 1 → 1 → 1)',
        'Likely causes:',
        '- The same failure keeps coming back: its cause may be outside the task (environment, a broken or flaky dependency, a file outside the write scope), or the agent does not act on the feedback.',
        '- The agent keeps changing nothing: it may believe the task is done, be unable to edit, or not understand the failure.',
        '- The attempts are not reducing the failures: the task may be too large for one agent; split it or add guidance.',
      ].join('\n'),
    );
    expect(detectNoProgress(history)).toEqual(report); // deterministic
  });

  it('an empty history', () => {
    expect(detectNoProgress([])).toEqual({ stalled: false, findings: [], diagnosis: 'No attempts yet: nothing to diagnose.' });
  });

  it('validates thresholds', () => {
    expect(resolveProgressThresholds()).toEqual(DEFAULT_PROGRESS_THRESHOLDS);
    expect(DEFAULT_PROGRESS_THRESHOLDS).toEqual({ repeatedFailure: 3, emptyDiffs: 2, oscillations: 1, noImprovementWindow: 4 });
    expect(() => resolveProgressThresholds({ repeatedFailure: 1 })).toThrow(OmkError);
    expect(() => resolveProgressThresholds({ noImprovementWindow: 2.5 })).toThrow('no-progress threshold noImprovementWindow: expected a whole number ≥ 2, got 2.5');
    expect(resolveProgressThresholds({ emptyDiffs: undefined }).emptyDiffs).toBe(2);
  });
});
