import { report, type TestCase, type TestCounts, type TestReport } from './types.js';

const LINE = /^(\s*)(✔|✖|﹣|▶)\s+(.+?)(?:\s+\(\d[\d.]*m?s\))?(\s+#\s*(?:SKIP|TODO)\b.*)?\s*$/;

/**
 * node --test's `spec` reporter (the default on a terminal, and off one in newer Node): `✔ name (1ms)`,
 * `✖ name`, `﹣ name # SKIP`, suites opened by `▶ name` with their tests indented under them, and the
 * `ℹ tests N` summary. The `✖ failing tests:` recap after the summary repeats failures and is not read.
 */
export function parseNodeSpec(lines: readonly string[]): TestReport | null {
  if (!lines.some((l) => /^ℹ tests \d+/.test(l))) return null;
  const cases: TestCase[] = [];
  const suites: Array<{ indent: number; name: string }> = [];
  const summary: Record<string, number> = {};
  for (const line of lines) {
    if (/^✖ failing tests:/.test(line)) break;
    const s = /^ℹ (tests|pass|fail|skipped|todo|cancelled) (\d+)\s*$/.exec(line);
    if (s) {
      summary[s[1]!] = Number(s[2]);
      continue;
    }
    const m = LINE.exec(line);
    if (!m) continue;
    const indent = m[1]!.length;
    while (suites.length > 0 && suites.at(-1)!.indent > indent) suites.pop();
    const name = m[3]!;
    if (m[2] === '▶') {
      suites.push({ indent, name });
      continue;
    }
    const open = suites.at(-1);
    if (open && open.indent === indent && open.name === name) {
      suites.pop(); // the suite's own result line
      continue;
    }
    const prefix = suites.filter((x) => x.indent < indent).map((x) => x.name);
    const status = m[4] || m[2] === '﹣' ? 'skipped' : m[2] === '✔' ? 'passed' : 'failed';
    cases.push({ name: [...prefix, name].join(' > '), status });
  }
  let counts: TestCounts | null = null;
  if (summary.tests !== undefined) {
    const failed = (summary.fail ?? 0) + (summary.cancelled ?? 0);
    const skipped = (summary.skipped ?? 0) + (summary.todo ?? 0);
    counts = { total: summary.tests, passed: summary.pass ?? Math.max(0, summary.tests - failed - skipped), failed, skipped };
  }
  return report('node-spec', cases, counts, true);
}
