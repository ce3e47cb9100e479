import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTestOutput } from '../../../src/core/test-report/index.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures/test-reports');
const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const statuses = (r: ReturnType<typeof parseTestOutput>) => Object.fromEntries((r?.tests ?? []).map((t) => [t.name, t.status]));

describe('parseTestOutput over real runner output', () => {
  it('node --test TAP: nested suites, skips, the summary', () => {
    const r = parseTestOutput(`> sample@1.0.0 test\n> node --test\n\n${read('node-tap.txt')}`);
    expect(r?.format).toBe('tap');
    expect(statuses(r)).toEqual({ 'add adds': 'failed', 'ok one': 'passed', skipped: 'skipped', 'grp > inner': 'passed' });
    expect(r?.counts).toEqual({ total: 4, passed: 2, failed: 1, skipped: 1 });
    expect(r?.complete).toBe(true);
  });

  it('node spec reporter: the same tests, the failing recap not counted twice', () => {
    const r = parseTestOutput(read('node-spec.txt'));
    expect(r?.format).toBe('node-spec');
    expect(statuses(r)).toEqual({ 'add adds': 'failed', 'ok one': 'passed', skipped: 'skipped', 'grp > inner': 'passed' });
    expect(r?.counts).toEqual({ total: 4, passed: 2, failed: 1, skipped: 1 });
  });

  it('JUnit XML', () => {
    const r = parseTestOutput(read('node-junit.xml'));
    expect(r?.format).toBe('junit');
    expect(r?.tests.find((t) => t.name.endsWith('add adds'))?.status).toBe('failed');
    expect(r?.tests.find((t) => t.name.endsWith('ok one'))?.status).toBe('passed');
    expect(r?.tests.find((t) => t.name.endsWith('skipped'))?.status).toBe('skipped');
    expect(r?.counts).toMatchObject({ failed: 1, skipped: 1 });
  });

  it('pytest default, -q and -v', () => {
    for (const name of ['pytest.txt', 'pytest-q.txt', 'pytest-v.txt']) {
      const r = parseTestOutput(read(name));
      expect(r?.format, name).toBe('pytest');
      expect(r?.counts, name).toEqual({ total: 5, passed: 2, failed: 2, skipped: 1 });
      expect(statuses(r)['test_m.py::test_add'], name).toBe('failed');
      expect(statuses(r)['test_m.py::TestK::test_a'], name).toBe('failed');
    }
    expect(parseTestOutput(read('pytest.txt'))?.complete).toBe(false);
    const v = parseTestOutput(read('pytest-v.txt'));
    expect(v?.complete).toBe(true);
    expect(statuses(v)['test_m.py::TestK::test_b']).toBe('passed');
  });

  it('unittest on stderr, default and -v', () => {
    const r = parseTestOutput('', read('unittest.txt'));
    expect(r?.format).toBe('unittest');
    expect(r?.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(statuses(r)).toEqual({ 'test_u.TestAdd.test_adds': 'failed' });
    const v = parseTestOutput('', read('unittest-v.txt'));
    expect(statuses(v)).toEqual({ 'test_u.TestAdd.test_adds': 'failed', 'test_u.TestAdd.test_zero': 'passed', 'test_u.TestAdd.test_later': 'skipped' });
    expect(v?.complete).toBe(true);
  });

  it('vitest default and verbose reporters, colour codes and all', () => {
    const d = parseTestOutput(read('vitest.txt'));
    expect(d?.format).toBe('vitest');
    expect(d?.counts).toEqual({ total: 4, passed: 2, failed: 1, skipped: 1 });
    expect(statuses(d)['a.test.js > adds']).toBe('failed');
    const v = parseTestOutput(read('vitest-verbose.txt'));
    expect(statuses(v)).toMatchObject({ 'a.test.js > adds': 'failed', 'a.test.js > ok': 'passed', 'a.test.js > sk': 'skipped', 'a.test.js > grp > inner': 'passed' });
  });

  it('jest', () => {
    const r = parseTestOutput(read('jest.txt'));
    expect(r?.format).toBe('jest');
    expect(r?.counts).toEqual({ total: 4, passed: 2, failed: 1, skipped: 1 });
    expect(statuses(r)).toEqual({
      './math.test.js > math > adds small numbers': 'passed',
      './math.test.js > math > adds negatives': 'failed',
      './math.test.js > math > adds floats': 'skipped',
      './math.test.js > top level': 'passed',
    });
  });

  it('cargo test', () => {
    const r = parseTestOutput(read('cargo.txt'));
    expect(r?.format).toBe('cargo');
    expect(statuses(r)).toEqual({ 'tests::later': 'skipped', 'tests::zero': 'passed', 'tests::it_adds': 'failed' });
    expect(r?.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
  });

  it('go test: text, -v and -json', () => {
    const t = parseTestOutput(read('go.txt'));
    expect(t?.format).toBe('go');
    expect(statuses(t)).toEqual({ TestAdd: 'failed', TestTable: 'failed', 'TestTable/negatives': 'failed' });
    expect(t?.complete).toBe(false);
    expect(t?.counts).toBeNull();
    const v = parseTestOutput(read('go-v.txt'));
    expect(v?.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    const j = parseTestOutput(read('go-json.txt'));
    expect(j?.format).toBe('go-json');
    expect(statuses(j)).toEqual({ 'example.com/sample > TestAdd': 'failed', 'example.com/sample > TestZero': 'passed' });
  });

  it('tape-style TAP with its own summary', () => {
    const r = parseTestOutput(read('tape.txt'));
    expect(statuses(r)).toEqual({ 'adds small numbers': 'passed', 'adds negatives': 'failed', floats: 'skipped' });
    expect(r?.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
  });

  it('says nothing about output it does not recognise', () => {
    expect(parseTestOutput('all good\n', '')).toBeNull();
    expect(parseTestOutput('', '')).toBeNull();
    expect(parseTestOutput('ok\n')).toBeNull();
  });
});
