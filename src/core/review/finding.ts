import type { ReviewSectionName } from '../proof/evidence.js';
import { redactSecrets } from '../redact.js';
import { hunkLabel, hunkText, type Hunk } from './diff.js';

export const CHECK_NAMES = [
  'secret_scan',
  'diff_size',
  'deleted_tests',
  'skipped_tests',
  'weakened_tests',
  'excluded_tests',
  'snapshot_changes',
  'test_count',
  'new_dependencies',
  'stub_markers',
  'conflict_markers',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Which section of the review wall each deterministic check reports to. */
export const CHECK_SECTION: Record<CheckName, ReviewSectionName> = {
  secret_scan: 'security',
  diff_size: 'architect',
  deleted_tests: 'tests',
  skipped_tests: 'tests',
  weakened_tests: 'tests',
  excluded_tests: 'tests',
  snapshot_changes: 'tests',
  test_count: 'tests',
  new_dependencies: 'architect',
  stub_markers: 'anti_slop',
  conflict_markers: 'code',
};

/**
 * One thing a check found. `message` never contains a secret value: checks that look at
 * secrets describe the kind and the place only.
 */
export interface Finding {
  check: CheckName;
  severity: 'warn' | 'fail';
  /** A stable id for the pattern that matched, e.g. `aws_access_key`, `focused_test`. */
  rule: string;
  file: string | null;
  line: number | null;
  /** One sentence, starting with `file:line:` when there is a place, ending with `[hunk @@ … @@]` when there is a hunk. */
  message: string;
  /** The diff hunk the finding is about, as evidence (hunkText); test-tamper checks set it. */
  hunk?: string;
  /** The request's words that asked for this change: the finding was downgraded to a warning (test-allowance.ts). */
  allowed_by?: string;
}

/** What a check reports besides findings: what it looked at, for the section's evidence. */
export interface CheckResult {
  check: CheckName;
  findings: Finding[];
  /** One sentence saying what was examined (e.g. "scanned 120 added lines in 4 files"). */
  evidence: string;
}

export function finding(
  check: CheckName,
  severity: Finding['severity'],
  rule: string,
  file: string | null,
  line: number | null,
  text: string,
  hunk?: Hunk,
): Finding {
  const where = file === null ? '' : line === null ? `${file}: ` : `${file}:${line}: `;
  if (!hunk) return { check, severity, rule, file, line, message: `${where}${text}` };
  return { check, severity, rule, file, line, message: `${where}${text} [hunk ${hunkLabel(hunk)}]`, hunk: redactSecrets(hunkText(hunk)) };
}

/** The checks whose findings are test tampering (the `tests` section; docs/review-wall.md "Test tampering"). */
export function isTamperCheck(check: CheckName): boolean {
  return CHECK_SECTION[check] === 'tests';
}

/** Lock files and other generated manifests: big, machine-written, not reviewed line by line. */
export function isGenerated(path: string): boolean {
  return /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|go\.sum|poetry\.lock|uv\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock)$/.test(
    path,
  );
}

const CODE_EXT = /\.(?:[cm]?[jt]sx?|py|rs|go|java|kt|kts|rb|c|cc|cpp|h|hpp|cs|swift|php|scala|sh|bash|zsh|lua|ex|exs|dart)$/;

export function isCodeFile(path: string): boolean {
  return CODE_EXT.test(path);
}

/** Test files by the common conventions of JS/TS, Python, Go and Rust. */
export function isTestFile(path: string): boolean {
  return (
    /(^|\/)(test|tests|__tests__|spec|specs)\//.test(path) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(path) ||
    /(^|\/)test_[^/]*\.py$/.test(path) ||
    /_test\.(py|go)$/.test(path) ||
    /(^|\/)conftest\.py$/.test(path)
  );
}
