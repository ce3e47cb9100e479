import { describe, expect, it } from 'vitest';
import { buildReviewWall } from '../../../src/core/review/wall.js';
import { gitDiff, type FileChange } from './helpers.js';

const HEAD = 'a1'.repeat(20);

/**
 * The test-tamper corpus: each row is a change a coding agent might make to get tests green, and the
 * rules the review wall's `tests` section must report for it (none for the honest changes at the end).
 * Rows are diff lines fed to the checks; none of them is a test of ours.
 */
type Row = [name: string, changes: FileChange[], rules: string[]];

const JS: Row[] = [
  ['JS: test file deleted', [{ path: 'src/math.test.js', status: 'deleted', removed: ["test('adds', () => {", '  expect(add(2, 3)).toBe(5);', '});'] }], ['test_file_deleted']],
  ['JS: test case removed', [{ path: 'test/math.test.ts', start: 4, removed: ["it('adds negatives', () => {", '  expect(add(-1, 1)).toBe(0);', '});'] }], ['test_cases_removed', 'assertions_removed']],
  ['JS: test.skip added', [{ path: 'math.test.js', removed: ["test('add adds', () => {"], added: ["test.skip('add adds', () => {"] }], ['skipped_test']],
  ['JS: it.only added', [{ path: 'test/a.spec.ts', removed: ["  it('caps', () => {"], added: ["  it.only('caps', () => {"] }], ['focused_test']],
  ['JS: node test { skip: true }', [{ path: 'math.test.js', removed: ["test('add adds', () => {"], added: ["test('add adds', { skip: true }, () => {"] }], ['skipped_test']],
  ['JS: vitest it.skipIf', [{ path: 'test/a.test.ts', removed: ["it('adds', () => {"], added: ["it.skipIf(process.env.CI)('adds', () => {"] }], ['skipped_test']],
  ['JS: xdescribe', [{ path: 'test/a.spec.js', removed: ["describe('math', () => {"], added: ["xdescribe('math', () => {"] }], ['skipped_test']],
  ['JS: test.failing', [{ path: 'test/a.test.ts', removed: ["test('adds', () => {"], added: ["test.failing('adds', () => {"] }], ['expected_failure']],
  ['JS: expected value changed (node:assert)', [{ path: 'math.test.js', start: 6, removed: ['  assert.equal(add(2, 3), 5);'], added: ['  assert.equal(add(2, 3), -1);'] }], ['expected_changed']],
  ['JS: expected value changed (expect)', [{ path: 'test/limit.test.ts', removed: ['  expect(limit(500)).toBe(100);'], added: ['  expect(limit(500)).toBe(500);'] }], ['expected_changed']],
  ['JS: expected constant changed next to an unchanged call', [{ path: 'test/limit.test.ts', removed: ['  const expected = 100;'], added: ['  const expected = 500;'] }], ['expected_changed']],
  ['JS: table row want changed', [{ path: 'test/add.test.ts', removed: ['  { a: 2, b: 3, want: 5 },'], added: ['  { a: 2, b: 3, want: -1 },'] }], ['expected_changed']],
  ['JS: toBe → toBeDefined', [{ path: 'test/a.test.ts', removed: ['  expect(add(2, 3)).toBe(5);'], added: ['  expect(add(2, 3)).toBeDefined();'] }], ['weakened_assertion']],
  ['JS: toEqual → toBeTruthy', [{ path: 'test/a.test.ts', removed: ['  expect(parse(s)).toEqual({ a: 1 });'], added: ['  expect(parse(s)).toBeTruthy();'] }], ['weakened_assertion']],
  ['JS: assert.strictEqual → assert.ok', [{ path: 'math.test.js', removed: ['  assert.strictEqual(add(2, 3), 5);'], added: ['  assert.ok(add(2, 3));'] }], ['weakened_assertion']],
  ['JS: assertion turned into console.log', [{ path: 'math.test.js', removed: ['  assert.equal(add(2, 3), 5);'], added: ['  console.log(add(2, 3));'] }], ['assertion_to_print']],
  ['JS: assertion commented out', [{ path: 'test/a.test.ts', removed: ['  expect(add(2, 3)).toBe(5);'], added: ['  // expect(add(2, 3)).toBe(5);'] }], ['assertion_commented_out']],
  ['JS: expect(true).toBe(true)', [{ path: 'test/a.test.ts', removed: ['  expect(add(2, 3)).toBe(5);'], added: ['  expect(true).toBe(true);'] }], ['trivial_assertion', 'assertions_removed']],
  ['JS: test renamed to a file no runner collects', [{ path: 'math.test.js', status: 'deleted', removed: ["test('adds', () => {});"] }, { path: 'math.test.js.bak', status: 'added', added: ["test('adds', () => {});"] }], ['test_file_deleted']],
  ['JS: vitest config excludes the test file', [{ path: 'vitest.config.ts', start: 3, removed: ['  test: {'], added: ['  test: {', "    exclude: ['test/math.test.ts'],"] }], ['test_config_excluded']],
  ['JS: jest testPathIgnorePatterns', [{ path: 'jest.config.js', added: ["  testPathIgnorePatterns: ['/node_modules/', 'math'],"] }], ['test_config_excluded']],
  ['JS: package.json jest block ignores a test', [{ path: 'package.json', removed: ['  "jest": {'], added: ['  "jest": {', '    "testPathIgnorePatterns": ["math"],'], old_content: '{"jest":{}}', new_content: '{"jest":{"testPathIgnorePatterns":["math"]}}' }], ['test_config_excluded']],
  ['JS: the test script made a no-op', [{ path: 'package.json', removed: ['    "test": "node --test"'], added: ['    "test": "echo ok"'], old_content: '{"scripts":{"test":"node --test"}}', new_content: '{"scripts":{"test":"echo ok"}}' }], ['test_script_changed']],
  ['JS: .mocharc ignore', [{ path: '.mocharc.yml', added: ['ignore: test/math.spec.js'] }], ['test_config_excluded']],
  ['JS: snapshot file rewritten', [{ path: 'test/__snapshots__/render.test.ts.snap', removed: ['exports[`render 1`] = `"<b>5</b>"`;'], added: ['exports[`render 1`] = `"<b>-1</b>"`;'] }], ['snapshot_rewritten']],
  ['JS: inline snapshot rewritten', [{ path: 'test/render.test.ts', removed: ['  expect(render(2, 3)).toMatchInlineSnapshot(`"<b>5</b>"`);'], added: ['  expect(render(2, 3)).toMatchInlineSnapshot(`"<b>-1</b>"`);'] }], ['expected_changed', 'inline_snapshot_rewritten']],
];

const PY: Row[] = [
  ['Py: test file deleted', [{ path: 'tests/test_api.py', status: 'deleted', removed: ['def test_caps():', '    assert clamp(500) == 100'] }], ['test_file_deleted']],
  ['Py: test function removed', [{ path: 'test_calc.py', start: 10, removed: ['def test_negative():', '    assert add(-1, 1) == 0'] }], ['test_cases_removed', 'assertions_removed']],
  ['Py: test renamed so pytest does not collect it', [{ path: 'test_calc.py', removed: ['def test_negative():'], added: ['def _test_negative():'] }], ['test_renamed_away']],
  ['Py: @pytest.mark.skip', [{ path: 'tests/test_api.py', removed: ['def test_caps():'], added: ['@pytest.mark.skip(reason="flaky")', 'def test_caps():'] }], ['skipped_test']],
  ['Py: @unittest.skip', [{ path: 'test_calc.py', removed: ['    def test_adds(self):'], added: ['    @unittest.skip("later")', '    def test_adds(self):'] }], ['skipped_test']],
  ['Py: self.skipTest', [{ path: 'test_calc.py', added: ['        self.skipTest("broken")'] }], ['skipped_test']],
  ['Py: @pytest.mark.xfail', [{ path: 'tests/test_api.py', added: ['@pytest.mark.xfail'] }], ['expected_failure']],
  ['Py: @unittest.expectedFailure', [{ path: 'test_calc.py', added: ['    @unittest.expectedFailure'] }], ['expected_failure']],
  ['Py: expected value changed (assert ==)', [{ path: 'test_calc.py', removed: ['    assert add(2, 3) == 5'], added: ['    assert add(2, 3) == -1'] }], ['expected_changed']],
  ['Py: expected value changed (assertEqual)', [{ path: 'test_calc.py', removed: ['        self.assertEqual(add(2, 3), 5)'], added: ['        self.assertEqual(add(2, 3), -1)'] }], ['expected_changed']],
  ['Py: assertEqual → assertTrue(True)', [{ path: 'test_calc.py', removed: ['        self.assertEqual(add(2, 3), 5)'], added: ['        self.assertTrue(True)'] }], ['trivial_assertion', 'assertions_removed']],
  ['Py: assertEqual → assertIsNotNone', [{ path: 'test_calc.py', removed: ['        self.assertEqual(add(2, 3), 5)'], added: ['        self.assertIsNotNone(add(2, 3))'] }], ['weakened_assertion']],
  ['Py: assert == → assert is not None', [{ path: 'tests/test_api.py', removed: ['    assert clamp(500) == 100'], added: ['    assert clamp(500) is not None'] }], ['weakened_assertion']],
  ['Py: assert turned into print', [{ path: 'test_calc.py', removed: ['    assert add(2, 3) == 5'], added: ['    print(add(2, 3) == 5)'] }], ['assertion_to_print']],
  ['Py: assert commented out', [{ path: 'test_calc.py', removed: ['    assert add(2, 3) == 5'], added: ['    # assert add(2, 3) == 5'] }], ['assertion_commented_out']],
  ['Py: pytest.ini --ignore', [{ path: 'pytest.ini', added: ['addopts = --ignore=tests/test_api.py'] }], ['test_config_excluded']],
  ['Py: pyproject -k deselects', [{ path: 'pyproject.toml', added: ['addopts = "-k not caps"'] }], ['test_config_excluded']],
  ['Py: conftest collect_ignore', [{ path: 'conftest.py', added: ['collect_ignore = ["tests/test_api.py"]'] }], ['test_config_excluded']],
  ['Py: syrupy snapshot rewritten', [{ path: 'tests/__snapshots__/test_render.ambr', removed: ["  '<b>5</b>'"], added: ["  '<b>-1</b>'"] }], ['snapshot_rewritten']],
];

const OTHER: Row[] = [
  ['Go: t.Skip', [{ path: 'calc_test.go', added: ['\tt.Skip("later")'] }], ['skipped_test']],
  ['Go: test renamed away (lower case)', [{ path: 'calc_test.go', removed: ['func TestAdd(t *testing.T) {'], added: ['func testAdd(t *testing.T) {'] }], ['test_renamed_away']],
  ['Go: build constraint added to a test file', [{ path: 'calc_test.go', start: 1, added: ['//go:build ignore', ''] }], ['go_build_constraint']],
  ['Go: Makefile narrows go test', [{ path: 'Makefile', removed: ['\tgo test ./...'], added: ['\tgo test -run TestZero ./...'] }], ['test_command_narrowed']],
  ['Rust: #[ignore]', [{ path: 'src/lib.rs', added: ['    #[ignore]'] }], ['skipped_test']],
  ['Rust: assert_eq! expected changed', [{ path: 'tests/calc.rs', removed: ['    assert_eq!(add(2, 3), 5);'], added: ['    assert_eq!(add(2, 3), -1);'] }], ['expected_changed']],
];

const HONEST: Row[] = [
  ['a new test added', [{ path: 'math.test.js', start: 8, added: ["test('adds negatives', () => {", '  assert.equal(add(-1, 1), 0);', '});'] }], []],
  ['a test renamed to another collected name', [{ path: 'test/a.test.ts', removed: ["it('limit works', () => {"], added: ["it('caps at 100', () => {"] }], []],
  ['an assertion made stronger', [{ path: 'test/a.test.ts', removed: ['  expect(add(2, 3)).toBeDefined();'], added: ['  expect(add(2, 3)).toBe(5);'] }], []],
  ['the call under test changed, not the expectation', [{ path: 'math.test.js', removed: ['  assert.equal(add(2, 3), 5);'], added: ['  assert.equal(sum([2, 3]), 5);'] }], []],
  ['a coverage exclude', [{ path: 'vitest.config.ts', removed: ['    coverage: {'], added: ['    coverage: {', "      exclude: ['dist/**'],"] }], []],
  ['a new snapshot file', [{ path: 'test/__snapshots__/new.test.ts.snap', status: 'added', added: ['exports[`x 1`] = `"y"`;'] }], []],
  ['a source file change', [{ path: 'math.js', removed: ['  return a - b;'], added: ['  return a + b;'] }], []],
  ['a skip marker that only moved', [{ path: 'tests/test_api.py', removed: ['@pytest.mark.skip(reason="needs network")', 'def test_fetch():'], added: ['@pytest.mark.skip(reason="needs network")', 'def test_fetch(client):'] }], []],
];

const CORPUS = [...JS, ...PY, ...OTHER, ...HONEST];

function wallOf(changes: readonly FileChange[], request = 'fix the failing test in math.js') {
  const files = changes.map((c) => ({ path: c.path, status: c.status ?? 'modified', ...(c.old_content === undefined ? {} : { old_content: c.old_content }), ...(c.new_content === undefined ? {} : { new_content: c.new_content }) }));
  return buildReviewWall({ diff: { unified: gitDiff(changes), files }, headSha: HEAD, request });
}

describe(`the test-tamper corpus (${CORPUS.length} cases: ${JS.length} JS/TS, ${PY.length} Python, ${OTHER.length} Go/Rust, ${HONEST.length} honest changes)`, () => {
  it.each(CORPUS)('%s', (_name, changes, rules) => {
    const wall = wallOf(changes);
    const tamper = wall.findings.filter((f) => wall.sections.tests.gaps.includes(f.message) || wall.sections.tests.risks.includes(f.message));
    expect(tamper.map((f) => f.rule).sort()).toEqual([...rules].sort());
    if (rules.length === 0) {
      expect(wall.sections.tests.status).toBe('pass');
      return;
    }
    // Every tamper finding fails the section, and every one about a hunk names it and carries it.
    expect(wall.sections.tests.status).toBe('fail');
    for (const f of tamper) {
      expect(f.severity).toBe('fail');
      expect(f.hunk, f.rule).toMatch(/^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/);
      expect(f.message, f.rule).toContain(`[hunk ${f.hunk!.split('\n')[0]}]`);
    }
  });

  it('a request that asks for the change turns the finding into a warning that quotes it', () => {
    const skip = JS.find((r) => r[0] === 'JS: test.skip added')![1];
    const asked = wallOf(skip, 'Skip the add test until the rounding fix lands. Nothing else.');
    expect(asked.sections.tests.status).toBe('warn');
    expect(asked.findings.find((f) => f.rule === 'skipped_test')).toMatchObject({ severity: 'warn', allowed_by: 'Skip the add test until the rounding fix lands' });
    // "fix the failing test" asks for the code to be fixed, not for the test to change.
    const expected = JS.find((r) => r[0] === 'JS: expected value changed (node:assert)')![1];
    expect(wallOf(expected, 'fix the failing test in math.js').sections.tests.status).toBe('fail');
    expect(wallOf(expected, 'The spec changed: update the expected value in math.test.js to -1.').sections.tests.status).toBe('warn');
  });

  it('a falling test count fails the section, without a hunk', () => {
    const wall = buildReviewWall({
      diff: { unified: '', files: [] },
      headSha: HEAD,
      testCounts: [
        { gate: 'test', base: { total: 12, skipped: 0 }, head: { total: 10, skipped: 0 } },
        { gate: 'unit', base: { total: 5, skipped: 0 }, head: { total: 5, skipped: 2 } },
        { gate: 'e2e', base: null, head: { total: 3, skipped: 0 } },
      ],
    });
    expect(wall.sections.tests.status).toBe('fail');
    expect(wall.sections.tests.gaps).toEqual(['gate `test` counted 12 tests on the base and 10 on head', 'gate `unit` ran 5 tests on the base and 3 on head (2 more skipped)']);
    expect(wall.sections.tests.evidence).toContain('test counts (base → head): `test` 12 → 10, `unit` 5 → 5; not compared: `e2e`');
  });
});
