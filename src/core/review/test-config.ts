import { redactSecrets } from '../redact.js';
import type { Hunk, ReviewFile } from './diff.js';
import { finding, type CheckResult, type Finding } from './finding.js';

/** JS test runner configuration files (vitest, vite, jest, mocha, ava, playwright, karma, cypress). */
const JS_RUNNER_CONFIG = /(^|\/)(?:(?:vitest|vite|jest|playwright|karma|ava|cypress)(?:\.workspace)?\.config\.[cm]?[jt]s|vitest\.workspace\.[cm]?[jt]s|jest\.config\.json|\.mocharc\.(?:[cm]?js|json|ya?ml|jsonc))$/;
/** Settings that decide which tests are collected or run. */
const JS_SELECTING = /\b(?:exclude|include|testPathIgnorePatterns|modulePathIgnorePatterns|testMatch|testRegex|testNamePattern|roots|ignore|spec|grep|fgrep|invert|testIgnore|testMatch|passWithNoTests|allowOnly)\b/;
const PY_CONFIG = /(^|\/)(?:pytest\.ini|pyproject\.toml|setup\.cfg|tox\.ini|\.coveragerc-never)$/;
const PY_SELECTING = /--ignore(?:-glob)?\b|--deselect\b|\bnorecursedirs\b|\btestpaths\b|\bpython_files\b|\bpython_classes\b|\bpython_functions\b|(?:^|[\s"'=])-k\s|\bcollect_ignore(?:_glob)?\b|--co\b|--collect-only\b|-p\s+no:/;
const BUILD_FILES = /(^|\/)(?:Makefile|makefile|GNUmakefile|justfile|Justfile|noxfile\.py|Taskfile\.ya?ml)$/;
const CMD_SELECTING = /\bgo test\b.*\s-(?:run|skip)\b|\bpytest\b.*(?:\s-k\s|--ignore|--deselect)|\bcargo test\b.*(?:--skip|\s--\s+\S)|--testPathIgnorePatterns|--exclude\b|--testNamePattern|\s-t\s/;

/**
 * Test files excluded by configuration: runner settings that decide which tests run (vitest/jest/mocha
 * `exclude`/`testPathIgnorePatterns`/…, pytest `--ignore`/`testpaths`/`-k`/`collect_ignore`), a changed
 * `test` script in package.json, a build constraint added to a Go test file, `test = false` in Cargo.toml,
 * and test commands in Makefiles narrowed with `-run`/`-k`/`--skip`. Coverage settings are not test selection.
 */
export function checkExcludedTests(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let configs = 0;
  for (const file of files) {
    if (file.status === 'deleted') continue;
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (base === 'package.json') {
      configs += 1;
      findings.push(...testScripts(file));
      findings.push(...selectingLines(file, (t, h, i) => JS_SELECTING.test(t) && inJestBlock(h, i), 'test_config_excluded', 'a jest setting that decides which tests run was changed'));
      continue;
    }
    if (JS_RUNNER_CONFIG.test(file.path)) {
      configs += 1;
      findings.push(...selectingLines(file, (t, h, i) => JS_SELECTING.test(t) && !nearCoverage(h, i), 'test_config_excluded', 'a test runner setting that decides which tests run was changed'));
    } else if (PY_CONFIG.test(file.path) || base === 'conftest.py') {
      configs += 1;
      findings.push(...selectingLines(file, (t, h, i) => PY_SELECTING.test(t) && !nearCoverage(h, i), 'test_config_excluded', 'a pytest setting that decides which tests are collected was changed'));
    } else if (/_test\.go$/.test(file.path)) {
      configs += 1;
      findings.push(...selectingLines(file, (t) => /^\s*\/\/\s*(?:go:build|\+build)\s/.test(t), 'go_build_constraint', 'a build constraint was added to a Go test file; `go test` may no longer build it'));
    } else if (base === 'Cargo.toml') {
      configs += 1;
      findings.push(...selectingLines(file, (t) => /^\s*(?:test|autotests|harness|doctest)\s*=\s*false\b/.test(t), 'test_config_excluded', 'a Cargo setting turns tests off'));
    } else if (BUILD_FILES.test(file.path)) {
      configs += 1;
      findings.push(...selectingLines(file, (t) => CMD_SELECTING.test(t), 'test_command_narrowed', 'a test command was narrowed to fewer tests'));
    }
  }
  return { check: 'excluded_tests', findings, evidence: `excluded tests: ${configs} test configuration files changed, ${findings.length} findings` };
}

type Keep = (text: string, hunk: Hunk, index: number) => boolean;

/** Each added line a rule keeps, unless the same line was there before (moved or re-indented). */
function selectingLines(file: ReviewFile, keep: Keep, rule: string, label: string): Finding[] {
  const out: Finding[] = [];
  for (const hunk of file.hunks) {
    hunk.lines.forEach((l, i) => {
      if (l.tag !== '+' || !keep(l.text, hunk, i)) return;
      if (hunk.removed.some((r) => r.text.trim() === l.text.trim())) return;
      const line = hunk.added.find((a) => a.text === l.text)?.line ?? null;
      out.push(finding('excluded_tests', 'fail', rule, file.path, line, `${label}: \`${show(l.text)}\``, hunk));
    });
  }
  return out;
}

/** Coverage `exclude`/`include` lists are about reports, not which tests run: the setting or its parent names coverage. */
function nearCoverage(hunk: Hunk, index: number): boolean {
  for (let i = index; i >= 0 && i >= index - 6; i--) if (/coverage/i.test(hunk.lines[i]!.text)) return true;
  return false;
}

/** Inside package.json's `"jest": {…}` block, judging by the hunk's lines above. */
function inJestBlock(hunk: Hunk, index: number): boolean {
  for (let i = index; i >= 0; i--) if (/"jest"\s*:/.test(hunk.lines[i]!.text)) return true;
  return false;
}

/** package.json `test` scripts (`test`, `test:*`) whose command changed. */
function testScripts(file: ReviewFile): Finding[] {
  const before = scripts(file.status === 'added' ? '{}' : file.old_content);
  const after = scripts(file.new_content);
  if (before === null || after === null) return [];
  const out: Finding[] = [];
  for (const name of Object.keys(before).filter((n) => /^test(?::|$)/.test(n))) {
    if (after[name] === before[name]) continue;
    const hunk = file.hunks.find((h) => h.lines.some((l) => l.tag !== ' ' && l.text.includes(`"${name}"`)));
    const line = hunk?.added.find((l) => l.text.includes(`"${name}"`))?.line ?? null;
    const now = after[name] === undefined ? 'removed' : `\`${show(after[name])}\``;
    out.push(finding('excluded_tests', 'fail', 'test_script_changed', file.path, line, `the \`${name}\` script changed from \`${show(before[name]!)}\` to ${now}`, hunk));
  }
  return out;
}

function scripts(text: string | undefined): Record<string, string> | null {
  if (text === undefined) return null;
  try {
    const json = JSON.parse(text) as { scripts?: unknown };
    if (!json.scripts || typeof json.scripts !== 'object') return {};
    return Object.fromEntries(Object.entries(json.scripts as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return null;
  }
}

function show(text: string): string {
  const s = redactSecrets(text.trim()).replace(/`/g, "'");
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
