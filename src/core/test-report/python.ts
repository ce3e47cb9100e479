import { numbersIn, report, type TestCase, type TestReport } from './types.js';

const PYTEST_SUMMARY = /^(?:=+ )?((?:\d+ (?:passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?|rerun)(?:, )?)+) in [\d.]+s(?: \([^)]*\))?(?: =+)?$/;

/**
 * pytest: the final `2 failed, 3 passed, 1 skipped in 0.12s` line (with or without `=` rules, `-q`
 * or not); tests from `-v` lines (`file.py::test_x PASSED`) and the short summary (`FAILED
 * file.py::test_x - …`, printed by default for failures). xfailed counts as skipped, errors as failures.
 */
export function parsePytest(lines: readonly string[]): TestReport | null {
  const summary = [...lines].reverse().map((l) => PYTEST_SUMMARY.exec(l.trim())).find((m) => m !== null);
  const noTests = lines.some((l) => /^=+ no tests ran in [\d.]+s =+$/.test(l.trim()));
  if (!summary && !noTests) return null;
  const n = summary ? numbersIn(summary[1]!) : {};
  const failed = (n.failed ?? 0) + (n.error ?? 0) + (n.errors ?? 0);
  const skipped = (n.skipped ?? 0) + (n.xfailed ?? 0);
  const passed = (n.passed ?? 0) + (n.xpassed ?? 0);
  const cases: TestCase[] = [];
  for (const line of lines) {
    const verbose = /^(\S+::\S.*?)\s+(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)(?:\s|$)/.exec(line);
    if (verbose) {
      cases.push({ name: verbose[1]!, status: verbose[2] === 'PASSED' || verbose[2] === 'XPASS' ? 'passed' : verbose[2] === 'FAILED' || verbose[2] === 'ERROR' ? 'failed' : 'skipped' });
      continue;
    }
    const short = /^(FAILED|ERROR|PASSED|XPASS|XFAIL) (\S+::\S+?)(?: - .*)?$/.exec(line);
    if (short) cases.push({ name: short[2]!, status: short[1] === 'PASSED' || short[1] === 'XPASS' ? 'passed' : short[1] === 'XFAIL' ? 'skipped' : 'failed' });
  }
  return report('pytest', cases, { total: passed + failed + skipped, passed, failed, skipped }, false);
}

/**
 * unittest (`python -m unittest`, on stderr): `Ran 3 tests in 0.001s` and `OK (skipped=1)` /
 * `FAILED (failures=1, errors=1)`; tests from `-v` lines (`test_x (mod.Class.test_x) ... ok`) and the
 * `FAIL: test_x (mod.Class)` headings. Names are `module.Class.test` (the form Python 3.11+ prints).
 */
export function parseUnittest(lines: readonly string[]): TestReport | null {
  const ranAt = lines.findLastIndex((l) => /^Ran \d+ tests? in [\d.]+s$/.test(l));
  if (ranAt < 0) return null;
  const total = Number(/^Ran (\d+)/.exec(lines[ranAt]!)![1]);
  const verdict = lines.slice(ranAt + 1).find((l) => /^(OK|FAILED)\b/.test(l)) ?? '';
  const kv = Object.fromEntries([...verdict.matchAll(/([a-z ]+)=(\d+)/g)].map((m) => [m[1]!.trim(), Number(m[2])]));
  const failed = (kv.failures ?? 0) + (kv.errors ?? 0) + (kv['unexpected successes'] ?? 0);
  const skipped = (kv.skipped ?? 0) + (kv['expected failures'] ?? 0);
  const cases: TestCase[] = [];
  const id = (method: string, where: string) => (where.endsWith(`.${method}`) ? where : `${where}.${method}`);
  for (const line of lines) {
    const v = /^(\w+) \(([\w.]+)\)(?: .*?)? \.\.\. (ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$/.exec(line);
    if (v) {
      const r = v[3]!;
      cases.push({ name: id(v[1]!, v[2]!), status: r === 'ok' ? 'passed' : r === 'FAIL' || r === 'ERROR' || r === 'unexpected success' ? 'failed' : 'skipped' });
      continue;
    }
    const h = /^(FAIL|ERROR): (\w+) \(([\w.]+)\)/.exec(line);
    if (h) cases.push({ name: id(h[2]!, h[3]!), status: 'failed' });
  }
  return report('unittest', cases, { total, failed, skipped, passed: Math.max(0, total - failed - skipped) }, false);
}
