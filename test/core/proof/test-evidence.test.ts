import { describe, expect, it } from 'vitest';
import { classifyCriterion, deriveAcceptance, type AcceptanceEntry } from '../../../src/core/proof/acceptance.js';
import type { Evidence, GateRun } from '../../../src/core/proof/evidence.js';
import { deriveTestEvidence, type TestsEvidence } from '../../../src/core/proof/test-evidence.js';
import { computeVerdict } from '../../../src/core/proof/verdict.js';
import { parseReviewerAcceptance } from '../../../src/core/review/reviewer-acceptance.js';
import { gateRun, HEAD, readyEvidence, TREE_T1 } from './fixtures.js';

const BASE_TREE = 'ab'.repeat(20);
const SCRATCH_TREE = 'cd'.repeat(20);

/** node --test's TAP for the named tests (true = passed). */
function tap(tests: Record<string, boolean>): string {
  const lines = ['TAP version 13'];
  Object.entries(tests).forEach(([name, ok], i) => lines.push(`# Subtest: ${name}`, `${ok ? 'ok' : 'not ok'} ${i + 1} - ${name}`, '  ---', '  duration_ms: 1', '  ...'));
  const n = Object.keys(tests).length;
  const pass = Object.values(tests).filter(Boolean).length;
  lines.push(`1..${n}`, `# tests ${n}`, '# suites 0', `# pass ${pass}`, `# fail ${n - pass}`, '# cancelled 0', '# skipped 0', '# todo 0', '# duration_ms 10');
  return `${lines.join('\n')}\n`;
}

function run(id: string, scope: GateRun['scope'], tree: string, passed: boolean): GateRun {
  return gateRun({ run_id: id, name: 'test', scope, tree_sha: tree, passed, exit_code: passed ? 0 : 1 });
}

function evidenceOf(opts: { goalType?: string; changed?: string[]; base: Record<string, boolean>; scratch?: Record<string, boolean>; head: Record<string, boolean> }): TestsEvidence {
  const runs = [run('base', 'baseline', BASE_TREE, Object.values(opts.base).every(Boolean))];
  const outputs = new Map([['base', { stdout: tap(opts.base), stderr: '' }]]);
  if (opts.scratch) {
    runs.push(run('scratch', 'red_green', SCRATCH_TREE, Object.values(opts.scratch).every(Boolean)));
    outputs.set('scratch', { stdout: tap(opts.scratch), stderr: '' });
  }
  runs.push(run('head', 'integration', HEAD.tree, Object.values(opts.head).every(Boolean)));
  outputs.set('head', { stdout: tap(opts.head), stderr: '' });
  return deriveTestEvidence({
    goalType: opts.goalType ?? 'bugfix',
    testGates: ['test'],
    changedFiles: opts.changed ?? ['math.js'],
    head: HEAD,
    changeTestsTree: opts.scratch ? SCRATCH_TREE : null,
    runs,
    outputs,
    tamper: [],
  });
}

describe('deriveTestEvidence: red→green pairs from the runners\' reports', () => {
  it('pairs each test that fails on the base with the change\'s tests and passes on head', () => {
    const t = evidenceOf({ changed: ['math.js', 'math.test.js'], base: { 'add adds': false }, scratch: { 'add adds': false, negatives: false }, head: { 'add adds': true, negatives: true } });
    expect(t.changed_test_files).toEqual(['math.test.js']);
    expect(t.red_green.status).toBe('proven');
    expect(t.red_green.pairs.map((p) => [p.test, p.before_run, p.after_run, p.from_changed_tests])).toEqual([
      ['add adds', 'scratch', 'head', true],
      ['negatives', 'scratch', 'head', true],
    ]);
    expect(t.comparisons[0]!.base_with_change_tests!.counts).toMatchObject({ total: 2, failed: 2 });
  });

  it('without changed test files the baseline run is the "before"', () => {
    const t = evidenceOf({ base: { 'add adds': false }, head: { 'add adds': true } });
    expect(t.red_green.pairs).toMatchObject([{ test: 'add adds', before_run: 'base', from_changed_tests: false }]);
  });

  it('a new test that passes on the base too is no pair, and the gap says the gate passed there', () => {
    const t = evidenceOf({ changed: ['math.test.js'], base: { zero: true }, scratch: { zero: true, zeros: true }, head: { zero: true, zeros: true } });
    expect(t.red_green.status).toBe('not_proven');
    expect(t.red_green.gap).toBe("no test fails on the base and passes on head (red→green): gate `test` passed on the base with the change's tests");
  });

  it('a test that still fails on head is never paired', () => {
    const t = evidenceOf({ base: { a: false, b: true }, head: { a: false, b: true } });
    expect(t.red_green.status).toBe('not_proven');
    expect(t.red_green.gap).toContain('does not pass on head');
  });

  it('with test files changed but never run on the base, there is no evidence (not a proof of anything)', () => {
    const t = evidenceOf({ changed: ['math.test.js'], base: { a: false }, head: { a: true } });
    expect(t.red_green.status).toBe('no_evidence');
    expect(t.red_green.gap).toContain("the change's test files were not run on the base");
  });
});

describe('verdict rules 1b and 2b', () => {
  const withTests = (tests: TestsEvidence, acceptance: AcceptanceEntry[] = []): Evidence => ({ ...readyEvidence(), oracle: { kind: tests.policy === 'required' ? 'bugfix' : 'feature', gates: ['test', 'typecheck'] }, tests, acceptance });

  it('a bugfix with a pair is ready; without one it is not_ready with the gap', () => {
    expect(computeVerdict(withTests(evidenceOf({ base: { a: false }, head: { a: true } }))).status).toBe('ready');
    const v = computeVerdict(withTests(evidenceOf({ changed: ['x.test.js'], base: { a: true }, scratch: { a: true }, head: { a: true } })));
    expect(v.status).toBe('not_ready');
    expect(v.known_gaps[0]).toMatch(/^no test fails on the base and passes on head \(red→green\): .*, so no test shows the bugfix is done$/);
  });

  it('a feature without a pair is still ready (the gap is informational)', () => {
    const t = evidenceOf({ goalType: 'feature', base: { a: true }, head: { a: true } });
    expect(t.policy).toBe('informational');
    expect(computeVerdict(withTests(t)).status).toBe('ready');
  });

  it('an unmet or unverified required criterion of a done task is a gap; an optional one is not', () => {
    const t = evidenceOf({ base: { a: false }, head: { a: true } });
    const entry = (over: Partial<AcceptanceEntry>): AcceptanceEntry => ({ id: 't1#1', task_id: 't1', criterion: 'docs updated', required: true, status: 'met', checked_by: 'reviewer', evidence: [], ...over });
    expect(computeVerdict(withTests(t, [entry({})])).status).toBe('ready');
    expect(computeVerdict(withTests(t, [entry({ status: 'unverified', required: false })])).status).toBe('ready');
    const v = computeVerdict(withTests(t, [entry({ status: 'unverified', evidence: ['no reviewer agent answered about it'] })]));
    expect(v.known_gaps).toEqual(['acceptance criterion t1#1 is unverified: "docs updated" (no reviewer agent answered about it)']);
  });
});

describe('acceptance criteria: which evidence checks each', () => {
  it.each([
    ['Gate `test` passes.', 'gate'],
    ['A regression test that fails without the fix is added.', 'red_green'],
    ['Test `add adds` passes.', 'named_test'],
    ['Add tests for the parser.', 'tests_added'],
    ['Do not modify the tests.', 'tests_untouched'],
    ['No test is skipped or deleted.', 'tests_not_weakened'],
    ['no conflict markers remain in math.js', 'no_conflict_markers'],
    ['The README explains the flag.', 'none'],
  ])('%s → %s', (text, check) => {
    expect(classifyCriterion(text).check).toBe(check);
  });

  const input = (criteria: string[], tests: TestsEvidence, answers: Array<{ id: string; status: 'met' | 'unmet' | 'unclear'; notes: string }> | null = null) => ({
    tasks: [{ id: 't1', status: 'done' as const, tree_sha: TREE_T1, criteria }],
    head: HEAD,
    runs: [run('head', 'integration', HEAD.tree, true)],
    outputs: new Map([['head', { stdout: tap({ 'add adds': true }), stderr: '' }]]),
    tests,
    reviewer: answers ? { name: 'builtin', answers } : null,
  });

  it('a regression-test criterion is unmet when only tests already there went red→green', () => {
    const tests = evidenceOf({ base: { 'add adds': false }, head: { 'add adds': true } });
    const [e] = deriveAcceptance(input(['A regression test is added.'], tests));
    expect(e).toMatchObject({ id: 't1#1', status: 'unmet', checked_by: 'red_green' });
  });

  it('only the reviewer decides a criterion no evidence checks, and it can fail one the evidence met, never pass one', () => {
    const tests = evidenceOf({ changed: ['a.test.js'], base: { 'add adds': false }, scratch: { 'add adds': false }, head: { 'add adds': true } });
    const entries = deriveAcceptance(
      input(['The README explains the flag.', 'Test `add adds` passes.', 'Test `missing` passes.'], tests, [
        { id: 't1#1', status: 'met', notes: 'README has a section' },
        { id: 't1#2', status: 'unmet', notes: 'looks wrong' },
        { id: 't1#3', status: 'met', notes: 'trust me' },
      ]),
    );
    expect(entries.map((e) => [e.id, e.status, e.checked_by])).toEqual([
      ['t1#1', 'met', 'reviewer'],
      ['t1#2', 'unmet', 'named_test'],
      ['t1#3', 'unverified', 'named_test'],
    ]);
  });

  it("a conflict fix task's criterion is decided by the review wall's conflict-marker findings on head", () => {
    const tests = evidenceOf({ base: { 'add adds': false }, head: { 'add adds': true } });
    const judge = (conflictMarkers: string[] | null) => deriveAcceptance({ ...input(['no conflict markers remain in math.js'], tests), conflictMarkers })[0]!.status;
    expect([judge([]), judge(['math.js']), judge(null)]).toEqual(['met', 'unmet', 'unverified']);
  });

  it("reads the reviewer's answers tolerantly, and drops ones that name no criterion", () => {
    const criteria = [{ id: 'fix-add#1', criterion: 'The README explains the flag.' }, { id: 'fix-add#2', criterion: 'Docs updated' }];
    const text = 'Review:\n```json\n{"sections": {}, "acceptance": {"FIX-ADD#1": {"status": "yes", "evidence": ["README §2"]}, "Docs updated": false, "other#9": "met"}}\n```';
    expect(parseReviewerAcceptance(text, criteria)).toEqual([
      { id: 'fix-add#1', status: 'met', notes: 'README §2' },
      { id: 'fix-add#2', status: 'unmet', notes: '' },
    ]);
  });
});
