import { addedLines, removedLines, type DiffLine, type Hunk, type ReviewFile } from './diff.js';
import { finding, isTestFile, type CheckResult, type Finding } from './finding.js';
import { declaredTestName, TEST_DECL } from './test-patterns.js';

export { checkWeakenedTests } from './test-assertions.js';

type SkipRule = { rule: string; re: RegExp; severity: 'warn' | 'fail'; label: string; rust?: boolean };

const SKIP_RULES: readonly SkipRule[] = [
  { rule: 'focused_test', re: /\b(?:it|test|describe|context|suite)\.only\s*\(|\b(?:fit|fdescribe|ftest)\s*\(|\{\s*only\s*:\s*true\b/, severity: 'fail', label: 'a focused test (`.only`) was added; every other test stops running' },
  { rule: 'skipped_test', re: /\b(?:it|test|describe|context|suite)\.(?:skip|skipIf)\s*\(|\b(?:xit|xdescribe|xtest|xcontext)\s*\(|\bthis\.skip\s*\(\s*\)|\b(?:it|test|describe)\s*\([^)]*\{\s*skip\s*:\s*(?:true|['"`])/, severity: 'fail', label: 'a skipped test was added' },
  { rule: 'skipped_test', re: /@pytest\.mark\.skip(?:if)?\b|@unittest\.skip\w*|\bpytest\.skip\s*\(|\bself\.skipTest\s*\(/, severity: 'fail', label: 'a skipped test was added' },
  { rule: 'skipped_test', re: /#\[ignore\b/, severity: 'fail', label: 'a test was marked `#[ignore]`', rust: true },
  { rule: 'skipped_test', re: /\bt\.Skip(?:f|Now)?\s*\(/, severity: 'fail', label: 'a test skip (`t.Skip`) was added' },
  { rule: 'expected_failure', re: /@pytest\.mark\.xfail\b|\bpytest\.xfail\s*\(|@unittest\.expectedFailure\b|\b(?:it|test)\.(?:fails|failing)\s*\(/, severity: 'fail', label: 'a test was marked as expected to fail, so its failure no longer counts' },
  { rule: 'todo_test', re: /\b(?:it|test)\.todo\s*\(|\b(?:it|test)\s*\([^)]*\{\s*todo\s*:/, severity: 'warn', label: 'a test was marked todo' },
];

/**
 * Deleted test files, test files renamed to a path no runner collects, and test cases removed from (or
 * renamed away within) the files that remain. Every finding names its hunk.
 */
export function checkDeletedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let testFiles = 0;
  for (const file of files) {
    const wasTest = isTestFile(file.path) || (file.old_path !== null && isTestFile(file.old_path));
    if (!wasTest) continue;
    testFiles += 1;
    if (file.status === 'deleted') {
      findings.push(finding('deleted_tests', 'fail', 'test_file_deleted', file.path, null, 'a test file was deleted', file.hunks[0]));
      continue;
    }
    if (file.status === 'renamed' && file.old_path !== null && isTestFile(file.old_path) && !isTestFile(file.path)) {
      findings.push(finding('deleted_tests', 'fail', 'test_file_renamed_away', file.path, null, `the test file ${file.old_path} was renamed to a path test runners do not collect`, file.hunks[0]));
      continue;
    }
    for (const hunk of file.hunks) findings.push(...renamedAway(file, hunk));
    const renamed = findings.filter((f) => f.file === file.path && f.rule === 'test_renamed_away').length;
    const removed = count(removedLines(file), TEST_DECL);
    const added = count(addedLines(file), TEST_DECL);
    if (removed - renamed > added) {
      const n = removed - renamed - added;
      const first = removedLines(file).find((l) => TEST_DECL.some((re) => re.test(l.text)));
      const hunk = first ? file.hunks.find((h) => h.removed.includes(first)) : undefined;
      findings.push(finding('deleted_tests', 'fail', 'test_cases_removed', file.path, first?.line ?? null, `${n} test ${n === 1 ? 'case was' : 'cases were'} removed`, hunk));
    }
  }
  return { check: 'deleted_tests', findings, evidence: `deleted tests: ${testFiles} test files changed, ${findings.length} findings` };
}

/** `def test_x` → `def _test_x`, `func TestX` → `func testX`, `test('x'` → `tast('x'`: a test the runner no longer collects. */
function renamedAway(file: ReviewFile, hunk: Hunk): Finding[] {
  const out: Finding[] = [];
  for (const before of hunk.removed) {
    if (!TEST_DECL.some((re) => re.test(before.text))) continue;
    const name = declaredTestName(before.text);
    if (!name) continue;
    const core = name.replace(/^test_?/i, '');
    const after = hunk.added.find((l) => !TEST_DECL.some((re) => re.test(l.text)) && core.length >= 3 && l.text.toLowerCase().includes(core.toLowerCase()) && /^\s*(?:(?:async\s+)?def|func|\w+\s*\(|(?:pub\s+)?fn)\b/.test(l.text));
    if (after) {
      out.push(finding('deleted_tests', 'fail', 'test_renamed_away', file.path, after.line, `the test \`${name}\` was renamed to a name its runner does not collect`, hunk));
    }
  }
  return out;
}

/** Skips, focuses and expected failures added to tests. */
export function checkSkippedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let scanned = 0;
  for (const file of files) {
    const rust = file.path.endsWith('.rs');
    if (file.status === 'deleted' || !(isTestFile(file.path) || rust)) continue;
    for (const hunk of file.hunks) {
      for (const { line, text } of hunk.added) {
        scanned += 1;
        const hit = SKIP_RULES.find((r) => (r.rust ? rust : true) && r.re.test(text));
        // A marker that was there before (the line only moved or was re-indented) is not new.
        if (hit && !hunk.removed.some((r) => r.text.trim() === text.trim())) findings.push(finding('skipped_tests', hit.severity, hit.rule, file.path, line, hit.label, hunk));
      }
    }
  }
  return { check: 'skipped_tests', findings, evidence: `skipped/focused tests: ${scanned} added test lines scanned, ${findings.length} findings` };
}

function count(lines: readonly DiffLine[], patterns: readonly RegExp[]): number {
  return lines.filter((l) => patterns.some((re) => re.test(l.text))).length;
}
