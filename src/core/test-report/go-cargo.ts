import { report, type TestCase, type TestReport } from './types.js';

/** `go test -json`: one JSON event a line; `pass`/`fail`/`skip` actions of named tests. */
export function parseGoJson(lines: readonly string[]): TestReport | null {
  const cases: TestCase[] = [];
  let events = 0;
  for (const line of lines) {
    if (!line.startsWith('{') || !line.includes('"Action"')) continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof e !== 'object' || e === null) continue;
    const { Action: action, Test: test, Package: pkg } = e as Record<string, unknown>;
    events += 1;
    if (typeof test !== 'string' || (action !== 'pass' && action !== 'fail' && action !== 'skip')) continue;
    cases.push({ name: typeof pkg === 'string' ? `${pkg} > ${test}` : test, status: action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped' });
  }
  return events > 0 && cases.length > 0 ? report('go-json', cases, null, true) : null;
}

/**
 * `go test` text: `--- FAIL: TestX (0.00s)` (every failure; passes and skips only with `-v`, whose
 * `=== RUN` lines say the list is whole) and the package lines `ok  pkg 0.01s` / `FAIL pkg 0.01s`.
 */
export function parseGo(lines: readonly string[]): TestReport | null {
  const pkgLine = lines.some((l) => /^(?:ok|FAIL)\s+\S+\s+(?:[\d.]+s|\(cached\))/.test(l) || /^\?\s+\S+\s+\[no test files\]/.test(l));
  const results = lines.map((l) => /^\s*--- (PASS|FAIL|SKIP): (\S+) \(/.exec(l)).filter((m) => m !== null);
  if (!pkgLine && results.length === 0) return null;
  const cases = results.map((m) => ({ name: m[2]!, status: m[1] === 'PASS' ? ('passed' as const) : m[1] === 'FAIL' ? ('failed' as const) : ('skipped' as const) }));
  const verbose = lines.some((l) => /^=== RUN\s/.test(l));
  return report('go', cases, null, verbose);
}

/**
 * `cargo test`: `test path::name ... ok|FAILED|ignored` for every test, and one `test result:` line per
 * test binary (summed).
 */
export function parseCargo(lines: readonly string[]): TestReport | null {
  const results = lines.map((l) => /^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored;/.exec(l)).filter((m) => m !== null);
  if (results.length === 0) return null;
  const sum = (i: number) => results.reduce((n, m) => n + Number(m[i]), 0);
  const [passed, failed, skipped] = [sum(1), sum(2), sum(3)];
  const cases: TestCase[] = [];
  for (const line of lines) {
    const m = /^test (\S+) \.\.\. (ok|FAILED|ignored)\b/.exec(line);
    if (m) cases.push({ name: m[1]!, status: m[2] === 'ok' ? 'passed' : m[2] === 'FAILED' ? 'failed' : 'skipped' });
  }
  return report('cargo', cases, { total: passed + failed + skipped, passed, failed, skipped }, true);
}
