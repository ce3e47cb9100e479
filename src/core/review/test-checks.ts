import { addedLines, removedLines, type DiffLine, type ReviewFile } from './diff.js';
import { finding, isTestFile, type CheckResult, type Finding } from './finding.js';
import { redactSecrets } from '../redact.js';

/** Lines that declare one test case (JS/TS, Python, Rust, Go). */
const TEST_DECL = [
  /^\s*(?:it|test)(?:\.(?:each|concurrent)\b[^(]*)?\s*\(/,
  /^\s*def test_\w*\s*\(/,
  /^\s*#\[(?:tokio::)?test\]/,
  /^\s*func Test\w*\s*\(/,
];

/** Lines that assert something. */
const ASSERTION =
  /\bexpect\s*\(|\bassert(?:_eq|_ne|_matches)?!\s*\(|\bassert\w*\s*\(|^\s*assert\s|\bself\.assert\w+\s*\(|\bt\.(?:Error|Errorf|Fatal|Fatalf)\s*\(|\brequire\.\w+\s*\(|\.should\b/;

/** Assertions that cannot fail. */
const TRIVIAL_ASSERTION = [
  /\bexpect\s*\(\s*(true|false|null|undefined|\d+|'[^']*'|"[^"]*")\s*\)\s*\.\s*(?:toBe|toEqual|toStrictEqual)\s*\(\s*\1\s*\)/,
  /\bexpect\s*\(\s*true\s*\)\s*\.\s*toBeTruthy\s*\(\s*\)/,
  /\bexpect\s*\(\s*true\s*\)(?!\s*\.)/,
  /^\s*assert\s+True\b/,
  /\bassert!\s*\(\s*true\s*\)/,
  /\bassert(?:True)?\s*\(\s*(?:true|True)\s*\)/,
  /\bassert_eq!\s*\(\s*(\w+)\s*,\s*\1\s*\)/,
];

const SKIP_RULES: ReadonlyArray<{ rule: string; re: RegExp; severity: 'warn' | 'fail'; label: string; rust?: boolean }> = [
  { rule: 'focused_test', re: /\b(?:it|test|describe|context|suite)\.only\s*\(|\b(?:fit|fdescribe|ftest)\s*\(/, severity: 'fail', label: 'a focused test (`.only`) was added; every other test stops running' },
  { rule: 'skipped_test', re: /\b(?:it|test|describe|context|suite)\.skip\s*\(|\b(?:xit|xdescribe|xtest|xcontext)\s*\(/, severity: 'fail', label: 'a skipped test was added' },
  { rule: 'skipped_test', re: /@pytest\.mark\.skip(?:if)?\b|@unittest\.skip\w*|\bpytest\.skip\s*\(/, severity: 'fail', label: 'a skipped test was added' },
  { rule: 'skipped_test', re: /#\[ignore\b/, severity: 'fail', label: 'a test was marked `#[ignore]`', rust: true },
  { rule: 'skipped_test', re: /\bt\.Skip(?:f|Now)?\s*\(/, severity: 'fail', label: 'a test skip (`t.Skip`) was added' },
  { rule: 'expected_failure', re: /@pytest\.mark\.xfail\b|\b(?:it|test)\.(?:fails|todo)\s*\(/, severity: 'warn', label: 'a test was marked as expected to fail or todo' },
];

/** Deleted test files, and test cases removed from the files that remain. */
export function checkDeletedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let testFiles = 0;
  for (const file of files) {
    if (!isTestFile(file.path)) continue;
    testFiles += 1;
    if (file.status === 'deleted') {
      findings.push(finding('deleted_tests', 'fail', 'test_file_deleted', file.path, null, 'a test file was deleted'));
      continue;
    }
    const removed = count(removedLines(file), TEST_DECL);
    const added = count(addedLines(file), TEST_DECL);
    if (removed > added) {
      const n = removed - added;
      const first = removedLines(file).find((l) => TEST_DECL.some((re) => re.test(l.text)));
      findings.push(
        finding('deleted_tests', 'fail', 'test_cases_removed', file.path, first?.line ?? null, `${n} test ${n === 1 ? 'case was' : 'cases were'} removed`),
      );
    }
  }
  return { check: 'deleted_tests', findings, evidence: `deleted tests: ${testFiles} test files changed, ${findings.length} findings` };
}

/** Skips, focuses and expected failures added to tests. */
export function checkSkippedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let scanned = 0;
  for (const file of files) {
    const rust = file.path.endsWith('.rs');
    if (file.status === 'deleted' || !(isTestFile(file.path) || rust)) continue;
    for (const { line, text } of addedLines(file)) {
      scanned += 1;
      const hit = SKIP_RULES.find((r) => (r.rust ? rust : true) && r.re.test(text));
      if (hit) findings.push(finding('skipped_tests', hit.severity, hit.rule, file.path, line, hit.label));
    }
  }
  return { check: 'skipped_tests', findings, evidence: `skipped/focused tests: ${scanned} added test lines scanned, ${findings.length} findings` };
}

/**
 * Tests made easier to pass: net assertions removed from a test file, assertions that cannot
 * fail, and expected values changed in place (the test moved to match the code — a warning,
 * since a changed requirement does that too).
 */
export function checkWeakenedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let testFiles = 0;
  for (const file of files) {
    if (file.status === 'deleted' || !isTestFile(file.path)) continue;
    testFiles += 1;
    const removed = removedLines(file).filter((l) => ASSERTION.test(l.text));
    const added = addedLines(file).filter((l) => ASSERTION.test(l.text));
    if (removed.length > added.length) {
      const n = removed.length - added.length;
      findings.push(
        finding('weakened_tests', 'fail', 'assertions_removed', file.path, removed[0]!.line, `${n} ${n === 1 ? 'assertion was' : 'assertions were'} removed`),
      );
    }
    for (const { line, text } of addedLines(file)) {
      if (TRIVIAL_ASSERTION.some((re) => re.test(text))) {
        findings.push(finding('weakened_tests', 'fail', 'trivial_assertion', file.path, line, 'an assertion that cannot fail was added'));
      }
    }
    for (const hunk of file.hunks) {
      for (const before of hunk.removed) {
        const a = splitAssertion(before.text);
        if (!a) continue;
        const after = hunk.added.find((l) => {
          const b = splitAssertion(l.text);
          return b !== null && b.subject === a.subject && b.expected !== a.expected;
        });
        if (after) {
          findings.push(
            finding('weakened_tests', 'warn', 'expected_changed', file.path, after.line, `the expected value of \`${shorten(a.subject)}\` was changed`),
          );
        }
      }
    }
  }
  return { check: 'weakened_tests', findings, evidence: `weakened tests: ${testFiles} test files compared, ${findings.length} findings` };
}

/** `expect(subject).matcher(expected)`, `assert subject == expected`, `assert_eq!(subject, expected)`. */
function splitAssertion(text: string): { subject: string; expected: string } | null {
  const t = text.trim().replace(/;$/, '');
  const js = /^(?:await\s+)?expect\s*\((.*)\)\s*(\.(?:not\.)?\w+)\s*\((.*)\)$/.exec(t);
  if (js) return { subject: `expect(${js[1]!.trim()})${js[2]}`, expected: js[3]!.trim() };
  const py = /^assert\s+(.+?)\s*==\s*(.+)$/.exec(t);
  if (py) return { subject: `assert ${py[1]!.trim()} ==`, expected: py[2]!.trim() };
  const rs = /^assert_eq!\s*\(\s*([^,]+),\s*(.+)\)$/.exec(t);
  if (rs) return { subject: `assert_eq!(${rs[1]!.trim()}, …)`, expected: rs[2]!.trim() };
  return null;
}

function shorten(code: string): string {
  const s = redactSecrets(code).replace(/`/g, "'");
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function count(lines: readonly DiffLine[], patterns: readonly RegExp[]): number {
  return lines.filter((l) => patterns.some((re) => re.test(l.text))).length;
}
