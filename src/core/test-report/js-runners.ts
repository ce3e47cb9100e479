import { numbersIn, report, type TestCase, type TestCounts, type TestReport } from './types.js';

const FILE = String.raw`\S+\.(?:[cm]?[jt]sx?|vue|svelte)`;
const DURATION = String.raw`(?:\s+\d+(?:\.\d+)?\s?m?s)?`;

/**
 * vitest: the `Tests  1 failed | 2 passed (3)` summary; tests from the verbose reporter
 * (`✓ file > suite > name`), the default reporter's tree under each file (`❯ file (3 tests | 1 failed)`
 * then `× name`), and the `FAIL  file > suite > name` headings of the failures.
 */
export function parseVitest(lines: readonly string[]): TestReport | null {
  const summary = lines.find((l) => /^\s*Tests\s+\d+\s+(?:failed|passed|skipped|todo)\b.*\(\d+\)\s*$/.test(l));
  if (summary === undefined || !lines.some((l) => /^\s*Test Files\s+/.test(l))) return null;
  const n = numbersIn(summary.replace(/\(\d+\)\s*$/, ''));
  const total = Number(/\((\d+)\)\s*$/.exec(summary)![1]);
  const counts: TestCounts = { total, failed: n.failed ?? 0, skipped: (n.skipped ?? 0) + (n.todo ?? 0), passed: n.passed ?? 0 };
  const cases: TestCase[] = [];
  let file: string | undefined;
  const mark = (m: string): TestCase['status'] => (m === '✓' || m === '√' ? 'passed' : m === '↓' ? 'skipped' : 'failed');
  for (const line of lines) {
    const verbose = new RegExp(`^\\s*(✓|√|×|✗|↓)\\s+(${FILE}) > (.+?)${DURATION}\\s*$`).exec(line);
    if (verbose) {
      cases.push({ name: `${verbose[2]} > ${verbose[3]}`, status: mark(verbose[1]!) });
      continue;
    }
    const header = new RegExp(`^\\s*(?:✓|❯|×|↓)\\s+(${FILE})\\s+\\(\\d+ tests?`).exec(line);
    if (header) {
      file = header[1];
      continue;
    }
    const fail = new RegExp(`^\\s*FAIL\\s+(${FILE}) > (.+?)\\s*$`).exec(line);
    if (fail) {
      cases.push({ name: `${fail[1]} > ${fail[2]}`, status: 'failed' });
      continue;
    }
    const tree = new RegExp(`^\\s{2,}(✓|√|×|✗|↓)\\s+(.+?)${DURATION}\\s*$`).exec(line);
    if (tree && file) cases.push({ name: `${file} > ${tree[2]}`, status: mark(tree[1]!) });
  }
  return report('vitest', cases, counts, false);
}

/**
 * jest: the `Tests:  1 failed, 2 passed, 3 total` summary; tests from the per-file tree (`PASS file`
 * / `FAIL file`, describe names indented above `✓ name (3 ms)`, `✕ name`, `○ skipped name`) and the
 * `● describe › name` headings of the failures.
 */
export function parseJest(lines: readonly string[]): TestReport | null {
  const summary = lines.find((l) => /^Tests:\s+.*\b\d+ total\b/.test(l));
  if (summary === undefined) return null;
  const n = numbersIn(summary.replace(/^Tests:/, ''));
  const counts: TestCounts = { total: n.total ?? 0, failed: n.failed ?? 0, skipped: (n.skipped ?? 0) + (n.todo ?? 0), passed: n.passed ?? 0 };
  const cases: TestCase[] = [];
  let file: string | undefined;
  let describes: Array<{ indent: number; name: string }> = [];
  for (const line of lines) {
    const header = /^(PASS|FAIL)\s+(\S+)/.exec(line);
    if (header) {
      file = header[2];
      describes = [];
      continue;
    }
    if (!file) continue;
    const test = /^(\s+)(✓|✕|○|√|×)\s+(?:(skipped|todo)\s+)?(.+?)(?:\s+\(\d+(?:\.\d+)?\s?m?s\))?\s*$/.exec(line);
    if (test) {
      const indent = test[1]!.length;
      const path = describes.filter((d) => d.indent < indent).map((d) => d.name);
      const status = test[2] === '○' ? 'skipped' : test[2] === '✓' || test[2] === '√' ? 'passed' : 'failed';
      cases.push({ name: [file, ...path, test[4]!].join(' > '), status });
      continue;
    }
    const failure = /^\s*●\s+(.+?)\s*$/.exec(line);
    if (failure && failure[1] !== 'Console') {
      cases.push({ name: [file, ...failure[1]!.split(' › ')].join(' > '), status: 'failed' });
      continue;
    }
    const describe = /^(\s+)(\S.*?)\s*$/.exec(line);
    if (describe && describe[1]!.length <= 12 && !/^(?:at |Expected|Received|\d+ \||>)/.test(describe[2]!)) {
      const indent = describe[1]!.length;
      describes = [...describes.filter((d) => d.indent < indent), { indent, name: describe[2]! }];
    }
  }
  return report('jest', cases, counts, false);
}
