import type { Evidence, GateRun, TaskEvidence, VerdictStatus } from './evidence.js';
import { REVIEW_SECTIONS } from './evidence.js';
import { gatePassed } from './gate-outcome.js';
import { redGreenPolicy } from './test-evidence.js';

export { gatePassed } from './gate-outcome.js';

/**
 * The verdict rule (SPEC "The verdict rule"), as a pure function of the evidence.
 *
 * `ready` only when all hold, each shown by recorded evidence:
 *  1. the oracle names at least one gate, a head commit is recorded, and every oracle gate's
 *     latest run on the head's tree passed (exit 0, no timeout, no infra error);
 *     required non-oracle gates that ran on the head's tree passed too;
 *     1b (proof version 2). a bugfix shows a red→green pair; a `tests` goal changes a test file;
 *  2. every required task is `done`, and each of its gates' latest run on the task's tree passed;
 *     2b (proof version 2). every required acceptance criterion of a done required task is met;
 *  3. no required review section failed, is missing, or reviewed another commit than head;
 *  4. no budget was exceeded;
 *  5. nothing waits on a human, and the latest human decision is not a rejection;
 *  6. nothing external blocks, the goal was not cancelled and no infrastructure failed.
 *
 * Every missing piece is one gap with a stable wording; the status is the cause of highest
 * precedence among the gaps (STATUS_PRECEDENCE). docs/proof-format.md explains the order.
 */
export interface Verdict {
  status: VerdictStatus;
  /** One sentence. */
  readiness: string;
  /** One entry per missing piece, ordered by status precedence, then by the order of the rule. */
  known_gaps: string[];
  /** Decisions only a human can make (pending questions, more budget). */
  human_decisions_required: string[];
}

/** Highest first. `ready` is what remains when no gap exists. */
export const STATUS_PRECEDENCE = [
  'cancelled',
  'failed_infra',
  'needs_more_budget',
  'blocked_on_human',
  'blocked_on_external',
  'not_ready',
] as const satisfies readonly VerdictStatus[];

export type GapCause = (typeof STATUS_PRECEDENCE)[number];

export interface Gap {
  cause: GapCause;
  text: string;
}

export function computeVerdict(evidence: Evidence): Verdict {
  const gaps = collectGaps(evidence);
  const decisions = humanDecisionsRequired(evidence);
  if (gaps.length === 0) {
    return { status: 'ready', readiness: readySentence(evidence), known_gaps: [], human_decisions_required: decisions };
  }
  const ordered = STATUS_PRECEDENCE.flatMap((cause) => gaps.filter((g) => g.cause === cause));
  const status = ordered[0]!.cause;
  const more = ordered.length - 1;
  const readiness = `${STATUS_LABEL[status]}: ${ordered[0]!.text}${more > 0 ? ` (and ${more} more ${more === 1 ? 'gap' : 'gaps'})` : ''}.`;
  return { status, readiness, known_gaps: ordered.map((g) => g.text), human_decisions_required: decisions };
}

const STATUS_LABEL: Record<GapCause, string> = {
  cancelled: 'Cancelled',
  failed_infra: 'Infrastructure failed',
  needs_more_budget: 'Needs more budget',
  blocked_on_human: 'Blocked on a human',
  blocked_on_external: 'Blocked on an external dependency',
  not_ready: 'Not ready',
};

/** Every missing piece, in the order of the rule (not yet sorted by precedence). */
export function collectGaps(evidence: Evidence): Gap[] {
  const gaps: Gap[] = [];
  const add = (cause: GapCause, text: string) => {
    if (!gaps.some((g) => g.text === text)) gaps.push({ cause, text });
  };
  lifecycleGaps(evidence, add);
  oracleGaps(evidence, add);
  testGaps(evidence, add);
  for (const task of evidence.tasks) if (task.required) taskGaps(evidence, task, add);
  acceptanceGaps(evidence, add);
  reviewGaps(evidence, add);
  budgetGaps(evidence, add);
  humanGaps(evidence, add);
  for (const b of evidence.external_blockers) add('blocked_on_external', `blocked on external ${b.kind}: ${b.description}`);
  return gaps;
}

type Add = (cause: GapCause, text: string) => void;

function lifecycleGaps(evidence: Evidence, add: Add): void {
  const { lifecycle, reason } = evidence.goal;
  if (lifecycle === 'cancelled') add('cancelled', reason ? `the goal was cancelled: ${reason}` : 'the goal was cancelled');
  if (lifecycle === 'failed_infra') add('failed_infra', `infrastructure failed: ${reason ?? 'no reason recorded'}`);
  for (const f of evidence.infra_failures) add('failed_infra', `infrastructure failed: ${f.component}: ${f.message}`);
}

function oracleGaps(evidence: Evidence, add: Add): void {
  const { oracle, head } = evidence;
  if (oracle.gates.length === 0) add('not_ready', 'the oracle names no gates, so nothing shows the goal is done');
  if (head === null) {
    add('not_ready', 'no integration head commit is recorded');
    return;
  }
  const integration = evidence.gates.filter((g) => g.scope === 'integration');
  const onHead = latestByName(integration.filter((g) => g.tree_sha === head.tree));
  const at = `on head ${short(head.sha)}`;
  for (const name of unique(oracle.gates)) {
    const run = onHead.get(name);
    if (!run) {
      const elsewhere = integration.filter((g) => g.name === name).at(-1);
      add(
        'not_ready',
        elsewhere
          ? `oracle gate \`${name}\` has not run ${at} (its last run was on tree ${short(elsewhere.tree_sha)}, head's tree is ${short(head.tree)})`
          : `oracle gate \`${name}\` has never run on the integrated tree`,
      );
      continue;
    }
    runGap(`oracle gate \`${name}\``, at, run, add);
  }
  for (const [name, run] of onHead) {
    if (run.required && !oracle.gates.includes(name)) runGap(`required gate \`${name}\``, at, run, add);
  }
}

function taskGaps(evidence: Evidence, task: TaskEvidence, add: Add): void {
  const label = `required task \`${task.id}\``;
  if (task.status !== 'done') {
    const n = task.attempts;
    add('not_ready', `${label} (${task.title}) is ${task.status} after ${n} ${n === 1 ? 'attempt' : 'attempts'}`);
    for (const s of task.stalled ?? []) add('not_ready', `no progress: ${s}`);
    for (const b of task.blocked_by ?? []) add('not_ready', b);
    return;
  }
  const runs = evidence.gates.filter((g) => g.scope === 'task' && g.task_id === task.id);
  if (runs.length === 0) {
    add('not_ready', `${label} is done but has no gate evidence`);
    return;
  }
  if (task.tree_sha === null) {
    add('not_ready', `${label} is done but no tree is recorded to check its gate evidence against`);
    return;
  }
  const tree = task.tree_sha;
  const onTree = latestByName(runs.filter((g) => g.tree_sha === tree));
  const at = `on the task's tree ${short(tree)}`;
  for (const name of unique(runs.map((r) => r.name))) {
    const run = onTree.get(name);
    if (!run) add('not_ready', `${label}: gate \`${name}\` has not run ${at}`);
    else runGap(`${label}: gate \`${name}\``, at, run, add);
  }
}

/**
 * Rule 1b (proof version 2): a goal type whose policy requires it (a bugfix) must show a test that fails
 * on the base and passes on head; a `tests` goal must add or modify a test file. Other types record the
 * red→green gap in `tests.red_green.gap` without it blocking (docs/goals.md "Test evidence per goal type").
 */
function testGaps(evidence: Evidence, add: Add): void {
  const tests = evidence.tests;
  if (!tests) return;
  if (redGreenPolicy(evidence.oracle.kind) === 'required' && tests.red_green.status !== 'proven') {
    add('not_ready', `${tests.red_green.gap ?? 'no red→green evidence'}, so no test shows the ${evidence.oracle.kind} is done`);
  }
  if (evidence.oracle.kind === 'tests' && tests.changed_test_files.length === 0) add('not_ready', 'the goal asks for tests, but the change adds or modifies no test file');
}

/**
 * Rule 2b (proof version 2): every required criterion of a required task that is done is met. A task not
 * done already has its gap; its criteria add none.
 */
function acceptanceGaps(evidence: Evidence, add: Add): void {
  const done = new Set(evidence.tasks.filter((t) => t.required && t.status === 'done').map((t) => t.id));
  for (const a of evidence.acceptance ?? []) {
    if (!a.required || a.status === 'met' || !done.has(a.task_id)) continue;
    const why = a.evidence[0] ? ` (${a.evidence[0]})` : '';
    add('not_ready', `acceptance criterion ${a.id} ${a.status === 'unmet' ? 'is not met' : 'is unverified'}: "${a.criterion}"${why}`);
  }
}

/** The gap, if any, for one run that must pass. An infra error is the runner's fault, not the code's. */
function runGap(label: string, at: string, run: GateRun, add: Add): void {
  if (run.infra_error !== null) add('failed_infra', `${label} could not run ${at}: ${run.infra_error}`);
  else if (run.timed_out) add('not_ready', `${label} timed out ${at} after ${run.duration_ms} ms`);
  else if (!gatePassed(run)) add('not_ready', `${label} failed ${at} (exit ${run.exit_code ?? 'none'})`);
}


function reviewGaps(evidence: Evidence, add: Add): void {
  const head = evidence.head;
  for (const name of REVIEW_SECTIONS) {
    const section = evidence.reviews[name];
    if (!section.required) continue;
    const label = `required review \`${name}\``;
    if (section.status === 'not_run') add('not_ready', `${label} has not run`);
    else if (section.status === 'fail') {
      add('not_ready', `${label} failed: ${section.gaps[0] ?? section.risks[0] ?? 'no reason recorded'}`);
    } else if (head !== null && section.reviewed_sha !== head.sha) {
      add('not_ready', `${label} reviewed ${section.reviewed_sha ? short(section.reviewed_sha) : 'no commit'}, not head ${short(head.sha)}`);
    }
  }
}

function budgetGaps(evidence: Evidence, add: Add): void {
  const { limits, used, exceeded } = evidence.budget;
  const dims = [
    { flag: exceeded.time, limit: limits.time_ms, used: used.time_ms, what: 'time', fmt: (v: number) => `${(v / 1000).toFixed(1)} s` },
    { flag: exceeded.tokens, limit: limits.tokens, used: used.tokens, what: 'tokens', fmt: (v: number) => String(v) },
    { flag: exceeded.usd, limit: limits.usd, used: used.usd, what: 'usd', fmt: (v: number) => `$${v.toFixed(4)}` },
  ];
  for (const d of dims) {
    const over = d.limit !== null && d.used > d.limit;
    if (!over && !d.flag) continue;
    add(
      'needs_more_budget',
      d.limit === null
        ? `budget exceeded: ${d.what} (flagged by the ledger; used ${d.fmt(d.used)}, no limit recorded)`
        : `budget exceeded: ${d.what} used ${d.fmt(d.used)} of ${d.fmt(d.limit)}`,
    );
  }
  for (const t of evidence.budget.per_task ?? []) {
    if (t.exceeded.tokens) add('needs_more_budget', `budget exceeded: task ${t.task_id} tokens used ${t.used.tokens} of its ${t.limits.tokens ?? 'unlimited'} per-task limit`);
    if (t.exceeded.usd) add('needs_more_budget', `budget exceeded: task ${t.task_id} usd used $${t.used.usd.toFixed(4)} of its ${t.limits.usd === null ? 'unlimited' : `$${t.limits.usd.toFixed(4)}`} per-task limit`);
  }
}

function humanGaps(evidence: Evidence, add: Add): void {
  for (const q of evidence.human.questions) add('blocked_on_human', `waiting on a human: ${q.question} (question ${q.id})`);
  const last = evidence.human.decisions.at(-1);
  if (last?.kind === 'reject') add('not_ready', `rejected by ${last.by} at ${last.at}: ${last.text}`);
}

function humanDecisionsRequired(evidence: Evidence): string[] {
  const out = evidence.human.questions.map((q) => `${q.question} (question ${q.id})`);
  const budget: string[] = [];
  collectBudget(evidence, budget);
  if (budget.length > 0) out.push(`add budget or cancel: ${budget.join(', ')} exhausted (omk goal budget-add)`);
  return unique(out);
}

function collectBudget(evidence: Evidence, out: string[]): void {
  const { limits, used, exceeded } = evidence.budget;
  if (exceeded.time || (limits.time_ms !== null && used.time_ms > limits.time_ms)) out.push('time');
  if (exceeded.tokens || (limits.tokens !== null && used.tokens > limits.tokens)) out.push('tokens');
  if (exceeded.usd || (limits.usd !== null && used.usd > limits.usd)) out.push('usd');
  for (const t of evidence.budget.per_task ?? []) {
    if (t.exceeded.tokens) out.push(`task ${t.task_id} tokens`);
    if (t.exceeded.usd) out.push(`task ${t.task_id} usd`);
  }
}

function readySentence(evidence: Evidence): string {
  const gates = unique(evidence.oracle.gates).length;
  const tasks = evidence.tasks.filter((t) => t.required).length;
  const head = evidence.head ? short(evidence.head.sha) : '?';
  // Version 2 also says what the test evidence and the acceptance criteria showed.
  const pairs = evidence.tests?.red_green.status === 'proven' ? evidence.tests.red_green.pairs_total : 0;
  const met = (evidence.acceptance ?? []).filter((a) => a.status === 'met').length;
  const extra =
    (pairs > 0 ? `${pairs} ${pairs === 1 ? 'test fails' : 'tests fail'} on the base and ${pairs === 1 ? 'passes' : 'pass'} on head, ` : '') +
    (met > 0 ? `${met} acceptance ${met === 1 ? 'criterion is' : 'criteria are'} met, ` : '');
  return (
    `Ready: ${gates} oracle ${gates === 1 ? 'gate passes' : 'gates pass'} on head ${head}, ` +
    `${tasks} required ${tasks === 1 ? 'task is' : 'tasks are'} done with gate evidence, ${extra}no required review fails, ` +
    'no budget is exceeded and nothing waits on a human.'
  );
}

/** The last run of each gate name, in recorded order (a rerun supersedes an earlier run). */
function latestByName(runs: readonly GateRun[]): Map<string, GateRun> {
  const out = new Map<string, GateRun>();
  for (const run of runs) out.set(run.name, run);
  return out;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The abbreviation used in gap wording. */
export function short(sha: string): string {
  return sha.slice(0, 12);
}
