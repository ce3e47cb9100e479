import { canonicalJson } from '../../core/canonical-json.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { changeTestsTree, redGreenPrepared } from '../../core/goal/controller/red-green-facts.js';
import type { GateRun } from '../../core/proof/evidence.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import { redactDeep } from '../../core/redact.js';
import { deriveTestsAndAcceptance, type TestsAndAcceptance } from './test-inputs.js';
import type { ProofMismatch } from './verify-proof.js';

/**
 * Version 2's test evidence and acceptance entries, derived again from the files they rest on — the gate
 * outputs (whose digests step 2 checked), task-graph.json and the `task.added` events, the review record —
 * and compared with what proof.json says, part by part. Also: the review record's sections are the
 * proof's `reviews`, it is listed with a digest, and `tests.change_tests_tree` is the one the chain's
 * `red_green.prepared` names for the head. Returns the mismatches and what was derived (for the verdict).
 */
export async function verifyTestEvidence(goalDir: string, proof: ProofDocument, runs: readonly GateRun[], events: readonly EventEnvelope[]): Promise<{ mismatches: ProofMismatch[]; derived: TestsAndAcceptance | null }> {
  const mismatches: ProofMismatch[] = [];
  const tests = proof.tests;
  const acceptance = proof.acceptance;
  if (tests === undefined || acceptance === undefined || proof.review_record === undefined) return { mismatches, derived: null };
  const push = (field: string, expected: unknown, found: unknown, message: string, path = 'proof.json') =>
    mismatches.push({ kind: 'evidence', path, field, expected: truncate(canonicalJson(expected)), found: truncate(canonicalJson(found)), message });

  const chainTree = changeTestsTree(redGreenPrepared(events), proof.head?.sha);
  if (tests.change_tests_tree !== chainTree) {
    push('tests.change_tests_tree', chainTree, tests.change_tests_tree, `proof.json says the change's tests ran on tree ${String(tests.change_tests_tree).slice(0, 12)}, events.jsonl's red_green.prepared for head says ${String(chainTree).slice(0, 12)}`, 'events.jsonl');
  }
  if (proof.review_record !== null && !proof.artifacts.some((a) => a.path === proof.review_record)) {
    push('review_record', `${proof.review_record} listed in artifacts`, 'not listed', `the review record ${proof.review_record} is not among the proof's artifacts, so nothing vouches for its bytes`);
  }

  const derived = await deriveTestsAndAcceptance({
    goalDir,
    goalType: proof.oracle.kind,
    testGates: tests.gates,
    changedFiles: proof.changed_files,
    head: proof.head,
    changeTestsTree: tests.change_tests_tree,
    runs,
    tasks: proof.tasks,
    reviewRecord: proof.review_record,
    events,
  });
  const d = redactDeep(derived);
  for (const key of ['policy', 'changed_test_files', 'comparisons', 'red_green', 'tamper'] as const) {
    if (canonicalJson(d.tests[key]) === canonicalJson(tests[key])) continue;
    push(`tests.${key}`, d.tests[key], tests[key], `proof.json's tests.${key} does not follow from the gate outputs and the review record (derived ${truncate(canonicalJson(d.tests[key]))})`);
  }
  const count = Math.max(d.acceptance.length, acceptance.length);
  for (let i = 0; i < count; i++) {
    const want = d.acceptance[i];
    const have = acceptance[i];
    if (canonicalJson(want ?? null) === canonicalJson(have ?? null)) continue;
    push(
      `acceptance[${i}]`,
      want ?? null,
      have ?? null,
      want === undefined
        ? `proof.json lists acceptance entry ${have!.id}, which no task's criteria in task-graph.json or a task.added event give`
        : `proof.json's acceptance entry ${have?.id ?? want.id} does not follow from the task graph and the evidence (derived: ${want.status}, "${truncate(want.criterion)}")`,
    );
  }
  if (proof.review_record !== null && d.reviewSections !== null && canonicalJson(redactDeep(d.reviewSections)) !== canonicalJson(proof.reviews)) {
    push('reviews', 'the sections of the review record', 'other sections', `proof.json's reviews are not the sections recorded in ${proof.review_record}`, proof.review_record);
  }
  for (const p of derived.problems) {
    if (!proof.infra_failures.some((f) => f.message === p)) push('infra_failures', p, 'not recorded', `deriving the test evidence: ${p}`);
  }
  return { mismatches, derived: d };
}

function truncate(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
