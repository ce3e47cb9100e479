import { currentGraph } from '../../core/goal/controller/graph-view.js';
import type { EventPayload } from '../../core/events/catalogue.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { parseTaskGraphJson, type TaskGraph } from '../../core/goal/task-graph/schema.js';
import { deriveAcceptance, type AcceptanceEntry, type ReviewerCriterionAnswer } from '../../core/proof/acceptance.js';
import type { GateRun, HeadEvidence, ReviewWall, TaskStatus } from '../../core/proof/evidence.js';
import { deriveTestEvidence, type TamperFinding, type TestsEvidence } from '../../core/proof/test-evidence.js';
import { CHECK_NAMES, isTamperCheck, type CheckName } from '../../core/review/finding.js';
import { readArtifact } from './artifacts.js';

/**
 * What the proof's test evidence and acceptance entries are derived from, read from the goal directory:
 * gate outputs, task-graph.json and `task.added` events (the criteria), and the review record (tamper
 * findings, the reviewer's answers). The controller's proof step and `omk goal proof --verify` both call
 * deriveTestsAndAcceptance, so what one writes the other re-derives from the same files.
 */
export interface TestsAndAcceptanceInput {
  goalDir: string;
  goalType: string;
  testGates: readonly string[];
  changedFiles: readonly string[];
  head: HeadEvidence | null;
  changeTestsTree: string | null;
  runs: readonly GateRun[];
  tasks: ReadonlyArray<{ id: string; status: TaskStatus; tree_sha: string | null }>;
  /** Goal-relative path of the review wall record (artifacts/reviews/round-N.json), or null. */
  reviewRecord: string | null;
  /** The goal's events (for tasks added after planning). */
  events: readonly EventEnvelope[];
}

export interface TestsAndAcceptance {
  tests: TestsEvidence;
  acceptance: AcceptanceEntry[];
  /** The review record's merged sections, when there is one (the proof's `reviews` must be them). */
  reviewSections: ReviewWall | null;
  /** Files that could not be read or parsed, one sentence each. */
  problems: string[];
}

export async function deriveTestsAndAcceptance(input: TestsAndAcceptanceInput): Promise<TestsAndAcceptance> {
  const problems: string[] = [];
  const outputs = await readRunOutputs(input.goalDir, input.runs.filter((r) => input.testGates.includes(r.name)), problems);
  const record = input.reviewRecord === null ? null : await readReviewRecord(input.goalDir, input.reviewRecord, problems);
  const tests = deriveTestEvidence({
    goalType: input.goalType,
    testGates: input.testGates,
    changedFiles: input.changedFiles,
    head: input.head,
    changeTestsTree: input.changeTestsTree,
    runs: input.runs,
    outputs,
    tamper: record?.tamper ?? [],
  });
  const criteria = await goalCriteria(input.goalDir, input.events, problems);
  const acceptance = deriveAcceptance({
    tasks: input.tasks.map((t) => ({ ...t, criteria: criteria.get(t.id) ?? [] })),
    head: input.head,
    runs: input.runs,
    outputs,
    tests,
    reviewer: record?.reviewer ?? null,
    conflictMarkers: record?.conflictMarkers ?? null,
  });
  return { tests, acceptance, reviewSections: record?.sections ?? null, problems };
}

/** stdout and stderr of each run, by run id (a reused run's point at its source's files). */
export async function readRunOutputs(goalDir: string, runs: readonly GateRun[], problems: string[] = []): Promise<Map<string, { stdout: string; stderr: string }>> {
  const out = new Map<string, { stdout: string; stderr: string }>();
  for (const run of runs) {
    const [stdout, stderr] = await Promise.all([readText(goalDir, run.stdout.path, problems), readText(goalDir, run.stderr.path, problems)]);
    if (stdout !== undefined && stderr !== undefined) out.set(run.run_id, { stdout, stderr });
  }
  return out;
}

/** Each task's acceptance criteria: task-graph.json's tasks, then those added since (`task.added`). */
export async function goalCriteria(goalDir: string, events: readonly EventEnvelope[], problems: string[] = []): Promise<Map<string, string[]>> {
  const tasks = await goalTasks(goalDir, events, problems);
  return new Map((tasks ?? []).map((t) => [t.id, [...t.acceptance]]));
}

/** The goal's tasks as planned (task-graph.json) and added since (`task.added`); null when the graph cannot be read. */
export async function goalTasks(goalDir: string, events: readonly EventEnvelope[], problems: string[] = []): Promise<TaskGraph['tasks'] | null> {
  // No plan (an untestable goal, one stopped before planning) means no criteria, not a problem.
  const read = await readArtifact(goalDir, 'task-graph.json');
  if (!read.ok && read.reason === 'missing') return null;
  const text = await readText(goalDir, 'task-graph.json', problems);
  if (text === undefined) return null;
  const parsed = parseTaskGraphJson(text);
  if (!parsed.ok) {
    problems.push(`task-graph.json is not a valid task graph: ${parsed.problems[0]?.message ?? 'unknown problem'}`);
    return null;
  }
  const added = events.filter((e) => e.type === 'task.added').map((e) => e.payload as EventPayload<'task.added'>);
  return currentGraph(parsed.value, { added }).tasks;
}

interface ReviewRecord {
  sections: ReviewWall | null;
  tamper: TamperFinding[];
  reviewer: { name: string; answers: ReviewerCriterionAnswer[] } | null;
  /** Files the conflict-marker check found markers in. */
  conflictMarkers: string[];
}

/** The parts of artifacts/reviews/round-N.json the proof reads (docs/review-wall.md "What is recorded"). */
async function readReviewRecord(goalDir: string, rel: string, problems: string[]): Promise<ReviewRecord | null> {
  const text = await readText(goalDir, rel, problems);
  if (text === undefined) return null;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    problems.push(`${rel} is not valid JSON: ${(error as Error).message}`);
    return null;
  }
  const findings = Array.isArray(doc.findings) ? (doc.findings as Array<Record<string, unknown>>) : [];
  const tamper = findings
    .filter((f) => (CHECK_NAMES as readonly string[]).includes(String(f.check)) && isTamperCheck(f.check as CheckName))
    .map((f) => ({
      check: String(f.check),
      rule: String(f.rule),
      severity: f.severity === 'fail' ? ('fail' as const) : ('warn' as const),
      file: typeof f.file === 'string' ? f.file : null,
      line: typeof f.line === 'number' ? f.line : null,
      message: String(f.message),
      hunk: typeof f.hunk === 'string' ? f.hunk : null,
      allowed_by: typeof f.allowed_by === 'string' ? f.allowed_by : null,
    }));
  const r = (doc.reviewer ?? null) as Record<string, unknown> | null;
  const answers = r && r.outcome === 'answered' && Array.isArray(r.acceptance) ? (r.acceptance as ReviewerCriterionAnswer[]) : null;
  const name = r && typeof r.engine === 'string' ? (typeof r.model === 'string' ? `${r.engine}:${r.model}` : r.engine) : '';
  const conflictMarkers = findings.filter((f) => f.check === 'conflict_markers').map((f) => (typeof f.file === 'string' ? f.file : '?'));
  return { sections: (doc.sections as ReviewWall | undefined) ?? null, tamper, reviewer: answers ? { name, answers } : null, conflictMarkers };
}

async function readText(goalDir: string, rel: string, problems: string[]): Promise<string | undefined> {
  const read = await readArtifact(goalDir, rel);
  if (read.ok) return read.bytes.toString('utf8');
  if (!problems.includes(read.message)) problems.push(read.message);
  return undefined;
}

