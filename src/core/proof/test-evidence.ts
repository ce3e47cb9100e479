import { gateKind } from '../goal/intake/gate-kinds.js';
import { isTestFile } from '../review/finding.js';
import { parseTestOutput } from '../test-report/parse.js';
import type { TestCounts, TestFormat, TestReport } from '../test-report/types.js';
import type { GateRun, GateScope, HeadEvidence } from './evidence.js';
import { gateFailed, gatePassed } from './gate-outcome.js';

/**
 * Test evidence: what the test gates said on the base, on the base with the change's test files, and
 * on head — counts from the runners' own reports, and red→green pairs (a test failing before the
 * change and passing after it). A pure function of the recorded gate runs and their outputs, so
 * `omk goal proof --verify` derives it again from the artifacts (docs/proof-format.md "Test evidence").
 */

/** Whether a goal type must show a red→green pair to be ready (docs/goals.md "Test evidence per goal type"). */
export type RedGreenPolicy = 'required' | 'informational' | 'not_applicable';

const POLICY: Readonly<Record<string, RedGreenPolicy>> = { bugfix: 'required', feature: 'informational', tests: 'informational' };

export function redGreenPolicy(goalType: string): RedGreenPolicy {
  return POLICY[goalType] ?? 'not_applicable';
}

/** One gate run as test evidence. */
export interface TestRunSummary {
  run_id: string;
  scope: GateScope;
  /** The run passed by every recorded fact (gatePassed). */
  passed: boolean;
  /** The run finished with a failing exit status (not a timeout, not an infra error): a red run. */
  failed: boolean;
  /** The runner's report format, null when its output was not recognised. */
  format: TestFormat | null;
  counts: TestCounts | null;
}

export interface TestGateComparison {
  gate: string;
  /** The base commit as it is (the baseline run). */
  base: TestRunSummary | null;
  /** The base code with the change's test files applied (scope `red_green`); null when no test file changed or it did not run. */
  base_with_change_tests: TestRunSummary | null;
  /** The integrated head's tree. */
  head: TestRunSummary | null;
}

export interface RedGreenPair {
  gate: string;
  /** The test as the runner names it; null when the runner's output names none (the whole run went red→green). */
  test: string | null;
  before_run: string;
  after_run: string;
  /** The failing run had the change's test files: the test is one the change added or modified (or ran beside them). */
  from_changed_tests: boolean;
}

export type RedGreenStatus = 'proven' | 'not_proven' | 'no_evidence';

export interface TamperFinding {
  check: string;
  rule: string;
  severity: 'warn' | 'fail';
  file: string | null;
  line: number | null;
  message: string;
  /** The diff hunk the finding is about (header and lines), null when it is about no hunk (a count, a whole file). */
  hunk: string | null;
  /** The request's words that asked for this change, when they did (the finding is then a warning). */
  allowed_by: string | null;
}

export interface TestsEvidence {
  policy: RedGreenPolicy;
  /** The gates run as tests (the oracle's test gates). */
  gates: string[];
  /** Test files the change added, modified, renamed or deleted. */
  changed_test_files: string[];
  /** The tree of the base with the change's test files (`red_green.prepared`), null when none was built. */
  change_tests_tree: string | null;
  comparisons: TestGateComparison[];
  red_green: {
    status: RedGreenStatus;
    /** At most MAX_PAIRS, in gate then report order. */
    pairs: RedGreenPair[];
    pairs_total: number;
    /** Why nothing is proven; whether it blocks readiness is the verdict's call (redGreenPolicy). */
    gap: string | null;
  };
  /** The review wall's test-tamper findings (docs/review-wall.md), copied from the review record. */
  tamper: TamperFinding[];
}

export const MAX_PAIRS = 20;

/**
 * The oracle gates that run tests (their kind is `test`: docs/intake.md "Gate kinds"); when none is
 * recognisably a test gate, every oracle gate, since the oracle is what decides done.
 */
export function pickTestGates(oracle: readonly string[], gates: ReadonlyArray<{ name: string; command: string }>): string[] {
  const known = oracle.map((n) => gates.find((g) => g.name === n)).filter((g) => g !== undefined);
  const tests = known.filter((g) => gateKind(g) === 'test').map((g) => g.name);
  return tests.length > 0 ? tests : known.map((g) => g.name);
}

export interface TestEvidenceInput {
  goalType: string;
  testGates: readonly string[];
  changedFiles: readonly string[];
  head: HeadEvidence | null;
  changeTestsTree: string | null;
  /** Every recorded gate run, in recorded order. */
  runs: readonly GateRun[];
  /** Output texts by run id (reused runs carry their source's). A run without outputs has no report. */
  outputs: ReadonlyMap<string, { stdout: string; stderr: string }>;
  tamper: readonly TamperFinding[];
}

export function deriveTestEvidence(input: TestEvidenceInput): TestsEvidence {
  const changed = [...new Set(input.changedFiles.filter(isTestFile))].sort();
  const reports = new Map<string, TestReport | null>();
  const reportOf = (run: GateRun): TestReport | null => {
    if (!reports.has(run.run_id)) {
      const out = input.outputs.get(run.run_id);
      reports.set(run.run_id, out ? parseTestOutput(out.stdout, out.stderr) : null);
    }
    return reports.get(run.run_id)!;
  };
  const summary = (run: GateRun | undefined): TestRunSummary | null => {
    if (!run) return null;
    const r = reportOf(run);
    return { run_id: run.run_id, scope: run.scope, passed: gatePassed(run), failed: gateFailed(run), format: r?.format ?? null, counts: r?.counts ?? null };
  };
  const latest = (gate: string, keep: (r: GateRun) => boolean) => input.runs.filter((r) => r.name === gate && keep(r)).at(-1);

  const comparisons: TestGateComparison[] = [];
  const pairs: RedGreenPair[] = [];
  const problems: string[] = [];
  for (const gate of [...new Set(input.testGates)]) {
    const base = latest(gate, (r) => r.scope === 'baseline');
    const withTests = input.changeTestsTree === null ? undefined : latest(gate, (r) => r.scope === 'red_green' && r.tree_sha === input.changeTestsTree);
    const head = input.head === null ? undefined : latest(gate, (r) => r.scope === 'integration' && r.tree_sha === input.head!.tree);
    comparisons.push({ gate, base: summary(base), base_with_change_tests: summary(withTests), head: summary(head) });
    // With test files changed, only a run of them on the base says what they did before the change.
    const before = changed.length > 0 ? withTests : base;
    if (!before) {
      problems.push(changed.length > 0 ? `the change's test files were not run on the base with gate \`${gate}\`` : `gate \`${gate}\` has not run on the base`);
      continue;
    }
    if (!head) {
      problems.push(`gate \`${gate}\` has not run on head`);
      continue;
    }
    const found = pairsFor(gate, before, head, reportOf(before), reportOf(head), changed.length > 0);
    pairs.push(...found.pairs);
    if (found.pairs.length === 0) problems.push(found.why);
  }

  let status: RedGreenStatus;
  let gap: string | null = null;
  if (input.testGates.length === 0) {
    status = 'no_evidence';
    gap = 'no red→green evidence: the oracle has no test gate';
  } else if (pairs.length > 0) status = 'proven';
  else if (comparisons.every((c) => (changed.length > 0 ? c.base_with_change_tests : c.base) === null || c.head === null)) {
    status = 'no_evidence';
    gap = `no red→green evidence: ${problems.join('; ')}`;
  } else {
    status = 'not_proven';
    gap = `no test fails on the base and passes on head (red→green): ${problems.join('; ')}`;
  }
  return {
    policy: redGreenPolicy(input.goalType),
    gates: [...new Set(input.testGates)],
    changed_test_files: changed,
    change_tests_tree: input.changeTestsTree,
    comparisons,
    red_green: { status, pairs: pairs.slice(0, MAX_PAIRS), pairs_total: pairs.length, gap },
    tamper: [...input.tamper],
  };
}

/**
 * The pairs of one gate. Per test: it failed before and the head run names it passed — or the head
 * report does not list passing tests, the head run passed, and its summary counts no failure and no
 * skip. When the reports name no test that could pair (none failing before, or none of them named
 * after), a red run before and a passing run after is one pair for the whole run — unless the head
 * report skips tests it does not name. A test failing before that head names failed or skipped is
 * never paired, by test or by run.
 */
function pairsFor(gate: string, before: GateRun, after: GateRun, rb: TestReport | null, ra: TestReport | null, changed: boolean): { pairs: RedGreenPair[]; why: string } {
  const pair = (test: string | null): RedGreenPair => ({ gate, test, before_run: before.run_id, after_run: after.run_id, from_changed_tests: changed });
  const where = changed ? "on the base with the change's tests" : 'on the base';
  if (!gateFailed(before)) return { pairs: [], why: `gate \`${gate}\` ${before.timed_out ? 'timed out' : before.infra_error !== null ? 'could not run' : 'passed'} ${where}` };
  if (!gatePassed(after)) return { pairs: [], why: `gate \`${gate}\` does not pass on head` };
  const failing = (rb?.tests ?? []).filter((t) => t.status === 'failed').map((t) => t.name);
  const headStatus = new Map((ra?.tests ?? []).map((t) => [t.name, t.status]));
  const wholeRunClean = ra !== null && !ra.complete && ra.counts !== null && ra.counts.failed === 0 && ra.counts.skipped === 0;
  const out: RedGreenPair[] = [];
  const blocked: string[] = [];
  for (const name of failing) {
    const s = headStatus.get(name) ?? headStatus.get(looseMatch(name, headStatus) ?? '');
    if (s === 'passed' || (s === undefined && wholeRunClean)) out.push(pair(name));
    else if (s !== undefined) blocked.push(`\`${name}\` ${s === 'skipped' ? 'is skipped' : 'still fails'} on head`);
  }
  if (out.length > 0) return { pairs: out, why: '' };
  if (blocked.length > 0) return { pairs: [], why: `gate \`${gate}\`: ${blocked.slice(0, 3).join(', ')}` };
  // Named failures the head report does not name, next to skipped tests: one of them may be the skipped one.
  if (failing.length > 0 && ra?.counts && ra.counts.skipped > 0) {
    return { pairs: [], why: `gate \`${gate}\`: the head report names no passing tests and skips ${ra.counts.skipped}, so the tests failing on the base may be skipped there` };
  }
  return { pairs: [pair(null)], why: '' };
}

/** `file > a > b` and `file > b` (a reporter that leaves suites out) name the same test when only one head test fits. */
function looseMatch(name: string, head: ReadonlyMap<string, unknown>): string | undefined {
  const parts = name.split(' > ');
  if (parts.length < 2) return undefined;
  const key = `${parts[0]} > ${parts.at(-1)}`;
  const fits = [...head.keys()].filter((n) => {
    const p = n.split(' > ');
    return p.length >= 2 && `${p[0]} > ${p.at(-1)}` === key;
  });
  return fits.length === 1 ? fits[0] : undefined;
}
