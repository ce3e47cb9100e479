import { addedLines, removedLines, type ReviewFile } from './diff.js';
import { finding, isGenerated, type CheckResult } from './finding.js';

export interface DiffSizeThresholds {
  /** More changed files than this is a warning. @default 25 */
  warnFiles?: number;
  /** More changed files than this fails the architect section. @default 100 */
  failFiles?: number;
  /** More changed lines (added + removed, lock files excluded) than this is a warning. @default 1000 */
  warnLines?: number;
  /** More changed lines than this fails the architect section. @default 5000 */
  failLines?: number;
}

export const DEFAULT_DIFF_SIZE: Required<DiffSizeThresholds> = {
  warnFiles: 25,
  failFiles: 100,
  warnLines: 1000,
  failLines: 5000,
};

/** A change too big to review well is a risk in itself; a huge one fails. */
export function checkDiffSize(files: readonly ReviewFile[], thresholds: DiffSizeThresholds = {}): CheckResult {
  const t = { ...DEFAULT_DIFF_SIZE, ...thresholds };
  const counted = files.filter((f) => !isGenerated(f.path));
  const lines = counted.reduce((n, f) => n + addedLines(f).length + removedLines(f).length, 0);
  const findings = [];
  const n = files.length;
  if (n > t.failFiles) findings.push(finding('diff_size', 'fail', 'files', null, null, `${n} files changed (more than ${t.failFiles})`));
  else if (n > t.warnFiles) findings.push(finding('diff_size', 'warn', 'files', null, null, `${n} files changed (more than ${t.warnFiles})`));
  if (lines > t.failLines) findings.push(finding('diff_size', 'fail', 'lines', null, null, `${lines} lines changed (more than ${t.failLines})`));
  else if (lines > t.warnLines) findings.push(finding('diff_size', 'warn', 'lines', null, null, `${lines} lines changed (more than ${t.warnLines})`));
  const skipped = files.length - counted.length;
  return {
    check: 'diff_size',
    findings,
    evidence: `diff size: ${n} files, ${lines} changed lines${skipped > 0 ? ` (${skipped} lock files not counted)` : ''}`,
  };
}
