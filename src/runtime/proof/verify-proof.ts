import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../core/canonical-json.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import type { GateRun, VerdictStatus } from '../../core/proof/evidence.js';
import { evidenceFromProof } from '../../core/proof/proof.js';
import { gateRunSchema, parseGateResultText, parseProofText, type ProofDocument } from '../../core/proof/proof-schema.js';
import { computeVerdict, type Verdict } from '../../core/proof/verdict.js';
import { redactDeep } from '../../core/redact.js';
import { readEventLog } from '../events/reader.js';
import type { GitContext } from '../git/index.js';
import { verifyEventLog } from '../events/verify-log.js';
import { readArtifact, sha256Bytes } from './artifacts.js';
import { checkProofMarkdown } from './verify-markdown.js';
import { verifyFacts } from './verify-facts.js';
import { verifyTestEvidence } from './verify-tests.js';

export type MismatchKind =
  | 'schema' // proof.json (or a gate's result.json) is missing fields, unparsable, or names another goal
  | 'artifact_missing' // a listed file is not there (or its path is unsafe)
  | 'artifact_digest' // a listed file's sha256 differs from the proof's (or proof.md from proof.json's rendering)
  | 'event_chain' // events.jsonl does not verify (edited, reordered, deleted, torn)
  | 'event_head' // the chain's event N (N = proof's count) is not the proof's head
  | 'evidence' // a gate's result.json disagrees with the proof's record of that run, or (version 2) the test evidence or an acceptance entry does not follow from the files it rests on
  | 'verdict' // the verdict re-derived from the evidence differs from the proof's
  | 'anchor'; // proof.json or the chain is not what refs/omk/proofs/<goal> anchored at the verdict (or a version 2 proof has no anchor)

export interface ProofMismatch {
  kind: MismatchKind;
  /** The file concerned, relative to the goal directory. */
  path?: string;
  /** The field concerned, e.g. `status`, `gates[1].exit_code`. */
  field?: string;
  expected: string;
  found: string;
  message: string;
}

export interface ProofVerifyReport {
  goal_id: string;
  ok: boolean;
  /** The status proof.json claims (absent when it could not be read). */
  status?: VerdictStatus;
  mismatches: ProofMismatch[];
  checked: { artifacts: number; gate_results: number; events: number };
  /** What could not be checked and why (no repository, commits not in it, a proof from before anchors). */
  unchecked: string[];
  /** Types of the events after the anchored chain head: nothing vouches for them (delivery, or a forgery). */
  unanchored_events: string[];
}

export interface VerifyProofInput {
  goalDir: string;
  goalId: string;
  /** The store's events for the goal, to cross-check events.jsonl against. */
  storeEvents?: readonly EventEnvelope[];
  /** The store's row for the goal, to cross-check the request. */
  storeGoal?: { prompt: string };
  /** The repository the goal ran in: head, changed files, commits and the anchor are checked against it. */
  git?: GitContext;
}

/**
 * Re-checks a proof from disk alone. Never writes: a corrupt proof.json is reported and left
 * as it is. Order of the report: proof.json itself, artifact digests, gate results against
 * the proof, the event chain and head, the verdict, then proof.md against proof.json.
 */
export async function verifyProof(input: VerifyProofInput): Promise<ProofVerifyReport> {
  const { goalDir, goalId } = input;
  const mismatches: ProofMismatch[] = [];
  const checked = { artifacts: 0, gate_results: 0, events: 0 };
  const unchecked: string[] = [];
  const unanchored: string[] = [];
  const done = (proof?: ProofDocument): ProofVerifyReport => ({
    goal_id: goalId,
    ok: mismatches.length === 0,
    ...(proof ? { status: proof.status } : {}),
    mismatches,
    checked,
    unchecked,
    unanchored_events: unanchored,
  });

  let text: string;
  try {
    text = await readFile(path.join(goalDir, 'proof.json'), 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    mismatches.push({
      kind: missing ? 'artifact_missing' : 'schema',
      path: 'proof.json',
      expected: 'a readable proof.json',
      found: missing ? 'no file' : (error as Error).message,
      message: missing ? 'proof.json does not exist' : `proof.json cannot be read: ${(error as Error).message}`,
    });
    return done();
  }
  const parsed = parseProofText(text);
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      mismatches.push({
        kind: 'schema',
        path: 'proof.json',
        field: p.path,
        expected: 'a valid proof.json',
        found: p.message,
        message: `proof.json is corrupt at ${p.path}: ${p.message}`,
      });
    }
    return done();
  }
  const proof = parsed.value;
  if (proof.goal_id !== goalId) {
    mismatches.push({
      kind: 'schema',
      path: 'proof.json',
      field: 'goal_id',
      expected: goalId,
      found: proof.goal_id,
      message: `proof.json belongs to goal ${proof.goal_id}, not ${goalId}`,
    });
  }

  // 1. Every listed artifact, and every gate output digest, against the bytes on disk.
  const refs = new Map<string, { sha256: string; where: string }[]>();
  const addRef = (p: string, sha256: string, where: string) => {
    const list = refs.get(p) ?? [];
    if (!list.some((r) => r.sha256 === sha256)) list.push({ sha256, where });
    refs.set(p, list);
  };
  for (const a of proof.artifacts) addRef(a.path, a.sha256, 'artifacts');
  proof.gates.forEach((g, i) => {
    addRef(g.stdout.path, g.stdout.sha256, `gates[${i}].stdout`);
    addRef(g.stderr.path, g.stderr.sha256, `gates[${i}].stderr`);
  });
  const unreadable = new Set<string>();
  for (const [rel, claims] of refs) {
    checked.artifacts += 1;
    const read = await readArtifact(goalDir, rel);
    if (!read.ok) {
      unreadable.add(rel);
      mismatches.push({
        kind: read.reason === 'unreadable' ? 'schema' : 'artifact_missing',
        path: rel,
        expected: `a file with sha256 ${claims[0]!.sha256}`,
        found: read.reason === 'missing' ? 'no file' : read.message,
        message: read.message,
      });
      continue;
    }
    const actual = sha256Bytes(read.bytes);
    for (const claim of claims) {
      if (claim.sha256 === actual) continue;
      mismatches.push({
        kind: 'artifact_digest',
        path: rel,
        field: claim.where,
        expected: claim.sha256,
        found: actual,
        message: `${rel} changed since the proof was written (sha256 ${actual.slice(0, 12)}, proof says ${claim.sha256.slice(0, 12)})`,
      });
    }
  }

  // 2. Each gate's result.json (the runner's record) against the proof's copy of it.
  const fromArtifacts: GateRun[] = [];
  const resultBytes = new Map<string, Buffer>();
  for (const [i, run] of proof.gates.entries()) {
    const rel = run.result_path;
    const read = await readArtifact(goalDir, rel);
    if (!read.ok) {
      if (!unreadable.has(rel)) {
        unreadable.add(rel);
        mismatches.push({
          kind: read.reason === 'unreadable' ? 'schema' : 'artifact_missing',
          path: rel,
          field: `gates[${i}].result_path`,
          expected: `the result of gate run ${run.run_id}`,
          found: read.reason === 'missing' ? 'no file' : read.message,
          message: read.message,
        });
      }
      fromArtifacts.push(run);
      continue;
    }
    checked.gate_results += 1;
    resultBytes.set(rel, read.bytes);
    const result = parseGateResultText(read.bytes.toString('utf8'));
    if (!result.ok) {
      for (const p of result.problems) {
        mismatches.push({
          kind: 'schema',
          path: rel,
          field: p.path,
          expected: 'a valid gate result',
          found: p.message,
          message: `${rel} is not a valid gate result at ${p.path}: ${p.message}`,
        });
      }
      fromArtifacts.push(run);
      continue;
    }
    const recorded = redactDeep(result.value);
    for (const key of Object.keys(gateRunSchema.shape) as (keyof GateRun)[]) {
      // Optional fields (reused_from) are compared as absent when missing.
      const want = recorded[key] === undefined ? '(absent)' : canonicalJson(recorded[key]);
      const have = run[key] === undefined ? '(absent)' : canonicalJson(run[key]);
      if (want === have) continue;
      mismatches.push({
        kind: 'evidence',
        path: rel,
        field: `gates[${i}].${key}`,
        expected: want,
        found: have,
        message: `proof.json's gate run ${run.run_id} says ${key} ${have}, ${rel} says ${want}`,
      });
    }
    fromArtifacts.push(recorded);
  }

  // 2b. A reused run must name a run of the proof on the same tree whose outputs it carries.
  const byId = new Map(proof.gates.map((g) => [g.run_id, g]));
  proof.gates.forEach((run, i) => {
    if (run.reused_from === undefined) return;
    const source = byId.get(run.reused_from);
    const same = source !== undefined && source.reused_from === undefined && source.tree_sha === run.tree_sha &&
      canonicalJson([source.stdout, source.stderr]) === canonicalJson([run.stdout, run.stderr]);
    if (same) return;
    mismatches.push({
      kind: 'evidence',
      path: 'proof.json',
      field: `gates[${i}].reused_from`,
      expected: `a run of this proof on tree ${run.tree_sha.slice(0, 12)} with the same stdout and stderr`,
      found: source === undefined ? 'no such run' : `run ${source.run_id} on tree ${source.tree_sha.slice(0, 12)}`,
      message: `gate run ${run.run_id} says it reuses run ${run.reused_from}, which ${source === undefined ? 'the proof does not contain' : 'ran on another tree or has other outputs'}`,
    });
  });

  // 3. The event chain, and that the proof's head is the chain's event number `count`.
  const eventsFile = path.join(goalDir, 'events.jsonl');
  const report = verifyEventLog({ file: eventsFile, goalId, ...(input.storeEvents ? { storeEvents: input.storeEvents } : {}) });
  checked.events = report.events;
  for (const p of report.problems) {
    mismatches.push({
      kind: 'event_chain',
      path: 'events.jsonl',
      ...(p.line === undefined ? {} : { field: `line ${p.line}` }),
      expected: 'an intact hash chain',
      found: p.kind,
      message: p.message,
    });
  }
  const { count, head } = proof.events;
  const atCount = readEventLog(eventsFile).events.find((e) => e.seq === count);
  const logHead = count === 0 ? null : (atCount?.hash ?? null);
  if (count > 0 && !atCount) {
    mismatches.push({
      kind: 'event_head',
      path: 'events.jsonl',
      field: 'events.count',
      expected: `at least ${count} events`,
      found: `${report.events} events`,
      message: `the proof counts ${count} events but events.jsonl has no event ${count}`,
    });
  } else if (logHead !== head) {
    mismatches.push({
      kind: 'event_head',
      path: 'events.jsonl',
      field: 'events.head',
      expected: String(head),
      found: String(logHead),
      message: `event ${count} in events.jsonl has hash ${String(logHead).slice(0, 12)}, the proof's head is ${String(head).slice(0, 12)}`,
    });
  }

  // 3b. Version 2: the test evidence and acceptance entries, derived again from the files they rest on.
  const logEvents = readEventLog(eventsFile).events;
  const tested = await verifyTestEvidence(goalDir, proof, fromArtifacts, logEvents);
  mismatches.push(...tested.mismatches);

  // 3c. Gate records against their events, fields that follow from other evidence, git, and the anchor.
  const facts = await verifyFacts({
    goalDir,
    proof,
    proofBytes: Buffer.from(text, 'utf8'),
    results: resultBytes,
    events: logEvents,
    ...(input.storeGoal ? { storeGoal: input.storeGoal } : {}),
    ...(input.git ? { git: input.git } : {}),
  });
  mismatches.push(...facts.mismatches);
  unchecked.push(...facts.unchecked);
  unanchored.push(...facts.unanchored_events);

  // 4. The verdict: re-derived from the proof's evidence, then from the gate artifacts.
  const evidence = evidenceFromProof(proof);
  const derived = redactDeep(computeVerdict(evidence));
  for (const field of ['status', 'readiness', 'known_gaps', 'human_decisions_required'] as const) {
    const want = canonicalJson(derived[field]);
    const have = canonicalJson(proof[field]);
    if (want === have) continue;
    mismatches.push({
      kind: 'verdict',
      path: 'proof.json',
      field,
      expected: want,
      found: have,
      message: `proof.json's ${field} does not follow from its evidence (re-derived ${truncate(want)}, found ${truncate(have)})`,
    });
  }
  const fromDisk: Verdict = computeVerdict({
    ...evidence,
    gates: fromArtifacts,
    ...(tested.derived ? { tests: tested.derived.tests, acceptance: tested.derived.acceptance } : {}),
  });
  if (fromDisk.status !== derived.status) {
    mismatches.push({
      kind: 'verdict',
      path: 'proof.json',
      field: 'status',
      expected: fromDisk.status,
      found: proof.status,
      message: `the gate results and test evidence on disk give status ${fromDisk.status}, proof.json's evidence gives ${derived.status}`,
    });
  }

  // 5. proof.md: rendered again from proof.json, byte for byte.
  const md = await checkProofMarkdown(goalDir, proof);
  if (md) mismatches.push(md);
  return done(proof);
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
