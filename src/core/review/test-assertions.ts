import { redactSecrets } from '../redact.js';
import type { DiffLine, Hunk, ReviewFile } from './diff.js';
import { finding, isTestFile, type CheckResult, type Finding } from './finding.js';
import { ASSERTION, EXPECTED_NAME, literalShape, PRINT, splitAssertion, TRIVIAL_ASSERTION } from './test-patterns.js';

/**
 * Tests made easier to pass, hunk by hunk: an expected value changed next to an unchanged call, an
 * assertion weakened (`toBe` → `toBeDefined`, `assertEqual` → `assertTrue`), turned into a print or
 * commented out, an assertion that cannot fail, and net assertions removed from a test file.
 */
export function checkWeakenedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let testFiles = 0;
  for (const file of files) {
    if (file.status === 'deleted' || !isTestFile(file.path)) continue;
    testFiles += 1;
    let removed = 0;
    let added = 0;
    let first: { line: DiffLine; hunk: Hunk } | undefined;
    for (const hunk of file.hunks) {
      const explained = new Set<DiffLine>();
      const paired = new Set<DiffLine>();
      for (const before of hunk.removed) {
        const hit = pairFinding(file, hunk, before);
        if (!hit) continue;
        findings.push(hit.finding);
        explained.add(before);
        if (hit.after) paired.add(hit.after);
      }
      for (const l of hunk.added) {
        if (TRIVIAL_ASSERTION.some((re) => re.test(l.text))) findings.push(finding('weakened_tests', 'fail', 'trivial_assertion', file.path, l.line, 'an assertion that cannot fail was added', hunk));
      }
      const gone = hunk.removed.filter((l) => ASSERTION.test(l.text) && !explained.has(l));
      removed += gone.length;
      // An assertion that cannot fail does not make up for one removed.
      added += hunk.added.filter((l) => ASSERTION.test(l.text) && !paired.has(l) && !TRIVIAL_ASSERTION.some((re) => re.test(l.text))).length;
      if (!first && gone[0]) first = { line: gone[0], hunk };
    }
    if (removed > added) {
      const n = removed - added;
      findings.push(finding('weakened_tests', 'fail', 'assertions_removed', file.path, first?.line.line ?? null, `${n} ${n === 1 ? 'assertion was' : 'assertions were'} removed`, first?.hunk));
    }
  }
  return { check: 'weakened_tests', findings, evidence: `weakened tests: ${testFiles} test files compared, ${findings.length} findings` };
}

/** What became of one removed line in its hunk, when it is a way of weakening a test. */
function pairFinding(file: ReviewFile, hunk: Hunk, before: DiffLine): { finding: Finding; after: DiffLine | undefined } | undefined {
  const f = (rule: string, after: DiffLine, text: string) => ({ finding: finding('weakened_tests', 'fail', rule, file.path, after.line, text, hunk), after });
  const a = splitAssertion(before.text);
  const isAssertion = a !== null || ASSERTION.test(before.text);
  if (isAssertion) {
    const stripped = before.text.trim();
    const commented = hunk.added.find((l) => /^\s*(?:\/\/|#|\/\*|--)\s*/.test(l.text) && l.text.replace(/^\s*(?:\/\/|#|\/\*|--)\s*/, '').replace(/\s*\*\/\s*$/, '').trim() === stripped);
    if (commented) return f('assertion_commented_out', commented, 'an assertion was commented out');
  }
  if (a) {
    for (const l of hunk.added) {
      const b = splitAssertion(l.text);
      if (b && b.subject === a.subject && b.strength === 2 && a.strength === 2 && b.expected !== a.expected) {
        return f('expected_changed', l, `the expected value of \`${shorten(a.subject)}\` was changed (\`${shorten(a.expected)}\` → \`${shorten(b.expected)}\`) while the call it checks stayed`);
      }
      if (b && a.strength === 2 && b.strength === 1 && b.call === a.call) {
        return f('weakened_assertion', l, `the assertion on \`${shorten(a.call)}\` was weakened to only check it exists or is truthy`);
      }
    }
    const printed = hunk.added.find((l) => PRINT.test(l.text) && l.text.includes(a.call));
    if (printed) return f('assertion_to_print', printed, `the assertion on \`${shorten(a.call)}\` was turned into a print`);
  }
  if (isAssertion) {
    const printed = hunk.added.find((l) => PRINT.test(l.text) && !ASSERTION.test(l.text));
    if (printed && hunk.removed.filter((l) => ASSERTION.test(l.text)).length <= hunk.added.filter((l) => PRINT.test(l.text)).length) {
      return f('assertion_to_print', printed, 'an assertion was turned into a print');
    }
  }
  if (EXPECTED_NAME.test(before.text)) {
    const shape = literalShape(before.text);
    const after = hunk.added.find((l) => {
      const s = literalShape(l.text);
      return s.shape === shape.shape && s.literals.join('\u0001') !== shape.literals.join('\u0001');
    });
    if (after) return f('expected_changed', after, `an expected value was changed (\`${shorten(before.text.trim())}\` → \`${shorten(after.text.trim())}\`)`);
  }
  return undefined;
}

function shorten(code: string): string {
  const s = redactSecrets(code).replace(/`/g, "'");
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
