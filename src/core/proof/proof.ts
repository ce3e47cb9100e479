import { redactDeep } from '../redact.js';
import type { Evidence, GateRun, TaskStatus } from './evidence.js';
import { TASK_STATUSES } from './evidence.js';
import { gatePassed, computeVerdict } from './verdict.js';
import { PROOF_VERSION, proofSchema, type GateRunRecord, type ProofDocument } from './proof-schema.js';
import type { TestsEvidence } from './test-evidence.js';

export interface BuildProofOptions {
  /** ISO-8601, from the injected clock (core never reads the clock). */
  generatedAt: string;
  /** One paragraph; derived from the evidence when omitted. */
  summary?: string;
}

/**
 * Builds proof.json's document from the evidence. The evidence is redacted first and the
 * verdict computed from the redacted evidence, so `verifyProof` recomputes exactly the same
 * verdict from the file. The result is normalised through the schema: fixed key order,
 * unknown keys dropped, and a shape error here is an omk bug (it throws).
 */
export function buildProof(rawEvidence: Evidence, options: BuildProofOptions): ProofDocument {
  const evidence = redactDeep(rawEvidence);
  const verdict = computeVerdict(evidence);
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const t of evidence.tasks) byStatus[t.status] += 1;
  const doc = {
    version: evidence.tests === undefined ? 1 : PROOF_VERSION,
    goal_id: evidence.goal.id,
    status: verdict.status,
    readiness: verdict.readiness,
    summary: options.summary === undefined ? defaultSummary(evidence) : redactDeep(options.summary),
    generated_at: options.generatedAt,
    goal: { request: evidence.goal.request, lifecycle: evidence.goal.lifecycle, reason: evidence.goal.reason },
    base: evidence.base,
    head: evidence.head,
    task_graph_summary: {
      total: evidence.tasks.length,
      required: evidence.tasks.filter((t) => t.required).length,
      by_status: byStatus,
    },
    tasks: evidence.tasks.map((t) => ({
      ...t,
      gates: evidence.gates.filter((g) => g.scope === 'task' && g.task_id === t.id).map((g) => g.run_id),
    })),
    gates: evidence.gates,
    reviews: evidence.reviews,
    oracle: evidence.oracle,
    budget: evidence.budget,
    changed_files: sortedUnique(evidence.changed_files),
    commits: evidence.commits,
    known_gaps: verdict.known_gaps,
    human_decisions_required: verdict.human_decisions_required,
    human: evidence.human,
    external_blockers: evidence.external_blockers,
    infra_failures: evidence.infra_failures,
    artifacts: [...evidence.artifacts].sort((a, b) => compare(a.path, b.path)),
    events: evidence.events,
    // Version 2 carries test evidence; evidence without it (re-derived from a version 1 proof) stays version 1.
    ...(evidence.tests === undefined ? {} : { tests: evidence.tests, acceptance: evidence.acceptance ?? [], review_record: evidence.review_record ?? null }),
  };
  const parsed = proofSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`buildProof: evidence does not fit proof.json at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}

/** The exact bytes of proof.json: two-space JSON in schema key order, with a final newline. */
export function proofJsonText(proof: ProofDocument): string {
  return `${JSON.stringify(proof, null, 2)}\n`;
}

/** The evidence a proof records, for re-deriving its verdict (verifyProof). */
export function evidenceFromProof(proof: ProofDocument): Evidence {
  return {
    goal: { id: proof.goal_id, request: proof.goal.request, lifecycle: proof.goal.lifecycle, reason: proof.goal.reason },
    base: proof.base,
    head: proof.head,
    oracle: proof.oracle,
    gates: proof.gates,
    tasks: proof.tasks.map(({ gates: _gates, ...task }) => task),
    reviews: proof.reviews,
    budget: proof.budget,
    human: proof.human,
    external_blockers: proof.external_blockers,
    infra_failures: proof.infra_failures,
    events: proof.events,
    artifacts: proof.artifacts,
    changed_files: proof.changed_files,
    commits: proof.commits,
    // A version 1 proof has none of these, and its verdict is derived without them.
    ...(proof.tests === undefined ? {} : { tests: proof.tests }),
    ...(proof.acceptance === undefined ? {} : { acceptance: proof.acceptance }),
    ...(proof.review_record === undefined ? {} : { review_record: proof.review_record }),
  };
}

/** The summary buildProof writes when none is given (every writer today): `--verify` derives it again. */
export function defaultSummary(evidence: Evidence): string {
  const firstLine = evidence.goal.request.split('\n', 1)[0]?.trim() ?? '';
  const request = firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine;
  const passed = evidence.gates.filter(gatePassed).length;
  const done = evidence.tasks.filter((t) => t.status === 'done').length;
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return (
    `${request ? `"${request}": ` : ''}${done} of ${n(evidence.tasks.length, 'task')} done, ` +
    `${n(evidence.commits.length, 'commit')}, ${n(sortedUnique(evidence.changed_files).length, 'file')} changed, ` +
    `${passed} of ${n(evidence.gates.length, 'gate run')} passed.`
  );
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compare);
}

/** Code-point order, independent of locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The evidence model and the proof schema describe the same records: keep them in step.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _inSync: [
  Same<GateRun, GateRunRecord>,
  Same<Evidence['reviews'], ProofDocument['reviews']>,
  Same<Evidence['budget'], ProofDocument['budget']>,
  Same<Evidence['human'], ProofDocument['human']>,
  Same<Evidence['head'], ProofDocument['head']>,
  Same<Evidence['external_blockers'], ProofDocument['external_blockers']>,
  Same<Omit<ProofDocument['tasks'][number], 'gates'>, Evidence['tasks'][number]>,
  Same<NonNullable<ProofDocument['tests']>, TestsEvidence>,
  Same<NonNullable<ProofDocument['acceptance']>, NonNullable<Evidence['acceptance']>>,
] = [true, true, true, true, true, true, true, true, true];
void _inSync;
