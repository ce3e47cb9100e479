import { addedLines, type ReviewFile } from './diff.js';
import { finding, isCodeFile, type CheckResult, type Finding } from './finding.js';

/**
 * Stubs and unfinished-work markers added to code. A stub that throws or panics in place of
 * the work fails anti-slop; a TODO/FIXME note is a warning (work left for later, said aloud).
 */
// The patterns the review wall looks for in added lines; they mention stub markers, they are not stubs.
const STUB_RULES: ReadonlyArray<{ rule: string; re: RegExp; severity: 'warn' | 'fail'; label: string }> = [
  { rule: 'todo_throw', re: /\bthrow\s+new\s+\w*Error\s*\(\s*['"`]\s*(?:TODO|FIXME|not\s+(?:yet\s+)?implemented|unimplemented)/i, severity: 'fail', label: 'a stub that throws instead of doing the work was added' },
  { rule: 'rust_unimplemented', re: /\b(?:unimplemented|todo)!\s*\(/, severity: 'fail', label: 'a stub (`unimplemented!`/`todo!`) was added' },
  { rule: 'rust_panic_todo', re: /\bpanic!\s*\(\s*"(?:TODO|not\s+(?:yet\s+)?implemented)/i, severity: 'fail', label: 'a stub that panics instead of doing the work was added' },
  { rule: 'python_not_implemented', re: /\braise\s+NotImplementedError\b/, severity: 'fail', label: 'a stub (`raise NotImplementedError`) was added' },
  { rule: 'python_pass_todo', re: /^\s*pass\s*#\s*(?:TODO|FIXME)/i, severity: 'fail', label: 'a stub (`pass  # TODO`) was added' },
  { rule: 'go_panic_todo', re: /\bpanic\s*\(\s*"(?:TODO|not\s+(?:yet\s+)?implemented)/i, severity: 'fail', label: 'a stub that panics instead of doing the work was added' },
  { rule: 'not_implemented', re: /\bnot\s+(?:yet\s+)?implemented\b/i, severity: 'warn', label: '"not implemented" was added' },
  { rule: 'todo_marker', re: /\b(?:TODO|FIXME|XXX|HACK)\b/, severity: 'warn', label: 'a TODO/FIXME marker was added' },
];

export function checkStubMarkers(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let scanned = 0;
  for (const file of files) {
    if (file.status === 'deleted' || !isCodeFile(file.path)) continue;
    for (const { line, text } of addedLines(file)) {
      scanned += 1;
      const hit = STUB_RULES.find((r) => r.re.test(text));
      if (hit) findings.push(finding('stub_markers', hit.severity, hit.rule, file.path, line, hit.label));
    }
  }
  return { check: 'stub_markers', findings, evidence: `stub markers: ${scanned} added code lines scanned, ${findings.length} findings` };
}

/** Merge conflict markers left in any added line: the code section fails. */
export function checkConflictMarkers(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let scanned = 0;
  for (const file of files) {
    if (file.status === 'deleted' || file.binary) continue;
    for (const { line, text } of addedLines(file)) {
      scanned += 1;
      const separator = !/\.(?:md|markdown|rst|txt|adoc)$/.test(file.path) && /^={7}$/.test(text);
      if (/^(?:<{7}|>{7})(?: |$)/.test(text) || separator) {
        findings.push(finding('conflict_markers', 'fail', 'conflict_marker', file.path, line, 'a merge conflict marker was added'));
      }
    }
  }
  return { check: 'conflict_markers', findings, evidence: `conflict markers: ${scanned} added lines scanned, ${findings.length} findings` };
}
