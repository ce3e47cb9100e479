import { parseTestOutput } from '../test-report/parse.js';
import type { GateRun, HeadEvidence, TaskStatus } from './evidence.js';
import { gatePassed } from './gate-outcome.js';
import type { TestsEvidence } from './test-evidence.js';

/**
 * The plan's promises, checked: each acceptance criterion of each task with the evidence that checks
 * it — a gate, the test evidence (a red→green pair, tests added), the review wall's tamper findings, a
 * test the runner names — or the reviewer agent's answer, or nothing (`unverified`). Pure, so
 * `omk goal proof --verify` derives the same entries from the artifacts (docs/proof-format.md "Acceptance").
 */
export type AcceptanceStatus = 'met' | 'unmet' | 'unverified';

/** What checked the criterion. */
export type AcceptanceCheck = 'gate' | 'red_green' | 'tests_added' | 'tests_untouched' | 'tests_not_weakened' | 'named_test' | 'no_conflict_markers' | 'reviewer' | 'none';

export interface AcceptanceEntry {
  /** `<task>#<n>`, n counting the task's criteria from 1. */
  id: string;
  task_id: string;
  criterion: string;
  /** A criterion written `(optional) …` or `optional: …` is not required. */
  required: boolean;
  status: AcceptanceStatus;
  checked_by: AcceptanceCheck;
  /** What decided it, one line each. */
  evidence: string[];
}

/** The reviewer agent's answer about one criterion (docs/review-wall.md "Acceptance criteria"). */
export interface ReviewerCriterionAnswer {
  id: string;
  status: 'met' | 'unmet' | 'unclear';
  notes: string;
}

export interface AcceptanceTask {
  id: string;
  status: TaskStatus;
  tree_sha: string | null;
  criteria: readonly string[];
}

export interface AcceptanceInput {
  tasks: readonly AcceptanceTask[];
  head: HeadEvidence | null;
  runs: readonly GateRun[];
  outputs: ReadonlyMap<string, { stdout: string; stderr: string }>;
  tests: TestsEvidence;
  /** Null when no reviewer agent answered (none configured, not run, unreadable). */
  reviewer: { name: string; answers: readonly ReviewerCriterionAnswer[] } | null;
  /** The review wall's conflict-marker findings on head (files), null when no review of head is recorded. */
  conflictMarkers?: readonly string[] | null;
}

const OPTIONAL = /^\s*(?:\(optional\)|optional:)\s*/i;

type Kind = { check: 'gate'; gates: string[] } | { check: 'named_test'; test: string } | { check: Exclude<AcceptanceCheck, 'gate' | 'named_test' | 'reviewer'> };

/** Which deterministic evidence a criterion's words ask for; `none` leaves it to the reviewer. Order matters. */
export function classifyCriterion(text: string): Kind {
  const t = text.replace(OPTIONAL, '');
  const gates = [...t.matchAll(/\bgates?\s+`([^`]+)`|`([^`]+)`\s+gates?\b/gi)].map((m) => (m[1] ?? m[2])!.trim());
  if (gates.length > 0) return { check: 'gate', gates };
  // Fix tasks for integration conflicts say this (fix-task.ts); the review wall's conflict-marker check decides it.
  if (/\bno (?:merge )?conflict markers?\b/i.test(t)) return { check: 'no_conflict_markers' };
  const negated = /\b(?:no|not|never|without|nothing)\b|n't\b/i.test(t);
  if (negated && /\b(?:touch|chang|modif|edit)\w*\b[^.]{0,40}\btests?\b|\btests?\b[^.]{0,30}\b(?:untouched|unchanged)\b/i.test(t)) return { check: 'tests_untouched' };
  if (negated && /\b(?:delet|remov|skip|weaken|disabl|xfail)\w*/i.test(t) && /\btests?\b/i.test(t)) return { check: 'tests_not_weakened' };
  if (/\bregression tests?\b|\bfails?\b[^.]{0,40}\b(?:without|before)\b|\bred\s*(?:→|->|-|to)\s*green\b/i.test(t)) return { check: 'red_green' };
  const named = /\btest\s+[`'"“]([^`'"”]+)[`'"”]\s+(?:passes|pass|succeeds)\b/i.exec(t);
  if (named) return { check: 'named_test', test: named[1]! };
  if (/\b(?:add|adds|added|write|writes|written|new|cover|covers|covered)\b[^.]{0,40}\btests?\b|\btests?\b[^.]{0,40}\b(?:added|written|exist)\b/i.test(t)) return { check: 'tests_added' };
  return { check: 'none' };
}

export function deriveAcceptance(input: AcceptanceInput): AcceptanceEntry[] {
  const answers = new Map((input.reviewer?.answers ?? []).map((a) => [a.id, a]));
  const out: AcceptanceEntry[] = [];
  for (const task of input.tasks) {
    task.criteria.forEach((criterion, i) => {
      const id = `${task.id}#${i + 1}`;
      const kind = classifyCriterion(criterion);
      const judged = judge(kind, task, input);
      const answer = answers.get(id);
      const who = `reviewer ${input.reviewer?.name ?? ''}`.trim();
      let { status } = judged;
      const evidence = [...judged.evidence];
      let check: AcceptanceCheck = kind.check;
      if (kind.check === 'none') {
        // Only a reviewer's answer can check what no gate, test or finding does.
        if (answer && answer.status !== 'unclear') {
          status = answer.status;
          check = 'reviewer';
          evidence.push(`${who}: ${answer.status}${answer.notes ? ` — ${answer.notes}` : ''}`);
        } else {
          evidence.push(answer ? `${who} could not tell${answer.notes ? ` — ${answer.notes}` : ''}` : input.reviewer ? `${who} did not answer about it` : 'no reviewer agent answered about it');
        }
      } else if (answer?.status === 'unmet') {
        // A reviewer can find a criterion unmet that the evidence met, never the reverse.
        status = 'unmet';
        evidence.push(`${who}: unmet${answer.notes ? ` — ${answer.notes}` : ''}`);
      }
      out.push({ id, task_id: task.id, criterion, required: !OPTIONAL.test(criterion), status, checked_by: check, evidence });
    });
  }
  return out;
}

function judge(kind: Kind, task: AcceptanceTask, input: AcceptanceInput): { status: AcceptanceStatus; evidence: string[] } {
  const { tests } = input;
  switch (kind.check) {
    case 'gate': {
      const evidence: string[] = [];
      let status: AcceptanceStatus = 'met';
      for (const gate of kind.gates) {
        const run = latestOn(input, gate, task);
        if (!run) {
          evidence.push(`gate \`${gate}\` has not run on head or on the task's tree`);
          if (status === 'met') status = 'unverified';
        } else if (gatePassed(run)) evidence.push(`gate \`${gate}\` passed (run ${run.run_id}, ${run.scope})`);
        else {
          evidence.push(`gate \`${gate}\` failed (run ${run.run_id}, ${run.scope}, exit ${run.exit_code ?? 'none'})`);
          status = 'unmet';
        }
      }
      return { status, evidence };
    }
    case 'red_green': {
      const own = tests.red_green.pairs.filter((p) => p.from_changed_tests);
      if (own.length > 0) return { status: 'met', evidence: own.slice(0, 3).map((p) => `red→green: ${p.test === null ? `gate \`${p.gate}\`` : `\`${p.test}\``} failed on the base with the change's tests (run ${p.before_run}) and passes on head (run ${p.after_run})`) };
      if (tests.red_green.pairs.length > 0) return { status: 'unmet', evidence: ['the tests that go from failing to passing were already there: the change adds or modifies no test that fails without it'] };
      return { status: tests.red_green.status === 'no_evidence' ? 'unverified' : 'unmet', evidence: [tests.red_green.gap ?? 'no red→green pair'] };
    }
    case 'tests_added': {
      if (tests.changed_test_files.length === 0) return { status: 'unmet', evidence: ['the change adds or modifies no test file'] };
      const heads = tests.comparisons.map((c) => c.head);
      const files = `test files changed: ${tests.changed_test_files.slice(0, 5).join(', ')}`;
      if (heads.length === 0 || heads.some((h) => h === null)) return { status: 'unverified', evidence: [files, 'the test gates have not all run on head'] };
      if (heads.some((h) => !h!.passed)) return { status: 'unmet', evidence: [files, 'a test gate fails on head'] };
      return { status: 'met', evidence: [files, `the test gates pass on head (${heads.map((h) => `run ${h!.run_id}`).join(', ')})`] };
    }
    case 'tests_untouched':
      return tests.changed_test_files.length === 0
        ? { status: 'met', evidence: ['the change modifies no test file'] }
        : { status: 'unmet', evidence: [`test files changed: ${tests.changed_test_files.slice(0, 5).join(', ')}`] };
    case 'tests_not_weakened': {
      const failing = tests.tamper.filter((f) => f.severity === 'fail');
      return failing.length === 0
        ? { status: 'met', evidence: [`the review wall found no test tampering (${tests.tamper.length} warnings)`] }
        : { status: 'unmet', evidence: failing.slice(0, 3).map((f) => `test tampering: ${f.message}`) };
    }
    case 'named_test':
      return namedTest(kind.test, input);
    case 'no_conflict_markers': {
      const found = input.conflictMarkers;
      if (found === undefined || found === null) return { status: 'unverified', evidence: ['no review of head is recorded to look for conflict markers'] };
      return found.length === 0
        ? { status: 'met', evidence: ["the review wall's conflict-marker check found none in the combined diff"] }
        : { status: 'unmet', evidence: [`conflict markers added in ${[...new Set(found)].slice(0, 5).join(', ')}`] };
    }
    case 'none':
      return { status: 'unverified', evidence: [] };
  }
}

/** The test gates' head runs, looking for a test the criterion names (exactly, or as the last part of the runner's name). */
function namedTest(name: string, input: AcceptanceInput): { status: AcceptanceStatus; evidence: string[] } {
  for (const c of input.tests.comparisons) {
    if (!c.head) continue;
    const out = input.outputs.get(c.head.run_id);
    const report = out ? parseTestOutput(out.stdout, out.stderr) : null;
    const hit = report?.tests.find((t) => t.name === name || [' > ', '::', '.'].some((sep) => t.name.endsWith(`${sep}${name}`)));
    if (hit) {
      return hit.status === 'passed'
        ? { status: 'met', evidence: [`test \`${hit.name}\` passed on head (gate \`${c.gate}\`, run ${c.head.run_id})`] }
        : { status: 'unmet', evidence: [`test \`${hit.name}\` ${hit.status === 'skipped' ? 'was skipped' : 'failed'} on head (gate \`${c.gate}\`, run ${c.head.run_id})`] };
    }
  }
  return { status: 'unverified', evidence: [`no test gate's report on head names a test \`${name}\``] };
}

/** The gate's latest run on head's tree, else on the task's tree. */
function latestOn(input: AcceptanceInput, gate: string, task: AcceptanceTask): GateRun | undefined {
  const onHead = input.head === null ? undefined : input.runs.filter((r) => r.name === gate && r.scope === 'integration' && r.tree_sha === input.head!.tree).at(-1);
  return onHead ?? input.runs.filter((r) => r.name === gate && r.scope === 'task' && r.task_id === task.id && r.tree_sha === task.tree_sha).at(-1);
}
