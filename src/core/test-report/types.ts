/**
 * What a test runner's own output says: the tests it names and the totals of its summary line.
 * docs/proof-format.md "Test reports" lists the formats and what each yields.
 */
export const TEST_FORMATS = ['junit', 'go-json', 'tap', 'node-spec', 'vitest', 'jest', 'pytest', 'unittest', 'cargo', 'go'] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestCase {
  /** As the runner names it; nested suites joined with ` > `. */
  name: string;
  status: TestStatus;
}

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface TestReport {
  format: TestFormat;
  /** The tests the output names, each once (a failure anywhere wins). Often only the failures. */
  tests: TestCase[];
  /** Whether `tests` names every test that ran, passing ones included. */
  complete: boolean;
  /** From the runner's summary line, else counted from `tests` when complete; null when unknown. */
  counts: TestCounts | null;
}

/** Runner output comes with colour codes when a runner forces them; they never carry meaning here. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** Tests by name, a failure winning over a pass and a pass over a skip (a name seen twice). */
export function collect(cases: Iterable<TestCase>): TestCase[] {
  const rank: Record<TestStatus, number> = { skipped: 0, passed: 1, failed: 2 };
  const byName = new Map<string, TestStatus>();
  for (const c of cases) {
    const name = c.name.trim();
    if (name === '') continue;
    const seen = byName.get(name);
    if (seen === undefined || rank[c.status] > rank[seen]) byName.set(name, c.status);
  }
  return [...byName].map(([name, status]) => ({ name, status }));
}

export function countsOf(tests: readonly TestCase[]): TestCounts {
  const n = (s: TestStatus) => tests.filter((t) => t.status === s).length;
  return { total: tests.length, passed: n('passed'), failed: n('failed'), skipped: n('skipped') };
}

/** A report from named tests and optional summary counts; complete when the names cover the total. */
export function report(format: TestFormat, cases: Iterable<TestCase>, counts: TestCounts | null, completeByFormat: boolean): TestReport {
  const tests = collect(cases);
  const complete = completeByFormat || (counts !== null && tests.length >= counts.total && counts.total > 0);
  return { format, tests, complete, counts: counts ?? (complete ? countsOf(tests) : null) };
}

/** `(\d+) word` pairs of a summary line, lower-cased words: `1 failed, 2 passed` → {failed: 1, passed: 2}. */
export function numbersIn(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/(\d+)\s+([a-z][a-z ]*?[a-z])(?=\s*(?:[,|;)(]|$))/gi)) {
    const key = m[2]!.toLowerCase();
    out[key] = (out[key] ?? 0) + Number(m[1]);
  }
  return out;
}
