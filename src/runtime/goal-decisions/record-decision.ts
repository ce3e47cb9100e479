import { isActive } from '../../core/goal/status.js';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import type { HumanDecision } from '../../core/proof/evidence.js';
import { evidenceFromProof } from '../../core/proof/proof.js';
import { parseProofText, type ProofDocument } from '../../core/proof/proof-schema.js';
import type { Store } from '../../core/store/store.js';
import { goalDir, readTextIfExists, writeJsonAtomically } from '../goal/goal-dir.js';
import { changeStatus } from '../goal/status.js';
import type { GitContext } from '../git/index.js';
import { anchorFor, writeProofAnchor } from '../proof/anchor.js';
import { writeProof } from '../proof/write-proof.js';
import { humanDecisionsFromLog } from './decisions-from-log.js';

/** Goal statuses with no finished proof yet: a decision would be overwritten by the running controller. */

/** Infra failures writeProof derives from disk each time (so a stale one is not carried over). */
const REDERIVED_COMPONENTS = new Set(['event-log', 'artifacts']);

export interface RecordHumanDecisionInput {
  store: Store;
  goalsDir: string;
  /** A goal id, a unique prefix, or `latest`. */
  goalRef: string;
  kind: HumanDecision['kind'];
  /** The accept summary or the reject reason. */
  text: string;
  /** Who decided (see decisionAuthor). */
  by: string;
  now: () => Date;
  /** The repository, to move the proof's anchor (refs/omk/proofs/<goal>); without it the new proof is not anchored. */
  git?: GitContext;
}

export interface HumanDecisionResult {
  goal_id: string;
  decision: HumanDecision;
  /** Seq of the `human.accepted` / `human.rejected` event. */
  event_seq: number;
  previous_status: string;
  /** The re-derived verdict (also the goal's status now). */
  status: string;
  readiness: string;
  known_gaps: string[];
  human_decisions_required: string[];
  proof: string;
}

/**
 * `omk goal accept|reject`: appends the decision to the goal's chain (its own transaction), then
 * re-derives the proof from the evidence the existing proof.json records plus every human decision
 * in the log, rewrites proof.json / proof.md (and failure.json), and records the new status and
 * `proof.written`. The verdict rule does the judging: a rejection is a `not_ready` gap, an accept
 * only lifts an earlier rejection and never stands in for missing evidence.
 */
export async function recordHumanDecision(input: RecordHumanDecisionInput): Promise<HumanDecisionResult> {
  const { store, kind, by } = input;
  const text = input.text.trim();
  if (text === '') throw new OmkError('usage', kind === 'accept' ? '--summary must not be empty' : '--reason must not be empty');
  const goal = await store.resolveGoal(input.goalRef);
  const dir = goalDir(input.goalsDir, goal.id);
  if (isActive(goal.status)) {
    throw new OmkError('usage', `goal ${goal.id} is ${goal.status}: a decision is recorded once it has a proof`, {
      hint: `wait for it to finish (omk goal status ${goal.id}), or pause it first`,
    });
  }
  const previous = await readProof(dir.proofJson, goal.id);

  const at = input.now().toISOString();
  const appended = await store.transaction((tx) =>
    kind === 'accept'
      ? tx.appendEvent(goal.id, 'human.accepted', { by, at, summary: text })
      : tx.appendEvent(goal.id, 'human.rejected', { by, at, reason: text }),
  );

  const events = await store.readEvents(goal.id);
  const log = foldGoalLog(events);
  const base = evidenceFromProof(previous);
  const gatePaths = new Set(base.gates.flatMap((g) => [g.stdout.path, g.stderr.path, g.result_path]));
  const { artifacts: _artifacts, events: _events, ...rest } = base;
  const written = await writeProof({
    goalDir: dir.root,
    evidence: {
      ...rest,
      human: { questions: base.human.questions, decisions: humanDecisionsFromLog(events) },
      infra_failures: base.infra_failures.filter((f) => !REDERIVED_COMPONENTS.has(f.component)),
    },
    generatedAt: input.now().toISOString(),
    artifactPaths: base.artifacts.map((a) => a.path).filter((p) => !gatePaths.has(p)),
  });
  const proof = written.proof;
  if (proof.status === 'ready') await rm(dir.failureJson, { force: true });
  else {
    await writeJsonAtomically(dir.failureJson, {
      version: 1,
      goal_id: goal.id,
      status: proof.status,
      readiness: proof.readiness,
      known_gaps: proof.known_gaps,
      human_decisions_required: proof.human_decisions_required,
      generated_at: proof.generated_at,
    });
  }
  const bytes = await readFile(written.jsonFile);
  const proofSha256 = createHash('sha256').update(bytes).digest('hex');
  if (input.git) await writeProofAnchor(input.git, anchorFor(proof, proofSha256));
  await store.transaction(async (tx) => {
    await changeStatus(tx, goal.id, proof.status, proof.readiness);
    await tx.appendEvent(goal.id, 'proof.written', {
      round: log.round,
      status: proof.status,
      readiness: proof.readiness,
      gaps: proof.known_gaps,
      path: 'proof.json',
      sha256: proofSha256,
    });
  });
  const decision = humanDecisionsFromLog([appended]).at(0) ?? { kind, by, at, text };
  return {
    goal_id: goal.id,
    decision,
    event_seq: appended.seq,
    previous_status: goal.status,
    status: proof.status,
    readiness: proof.readiness,
    known_gaps: proof.known_gaps,
    human_decisions_required: proof.human_decisions_required,
    proof: path.join(dir.root, 'proof.json'),
  };
}

async function readProof(file: string, goalId: string): Promise<ProofDocument> {
  const text = await readTextIfExists(file);
  if (text === undefined) {
    throw new OmkError('not_found', `goal ${goalId} has no proof yet, so there is nothing to decide on`, { hint: `omk goal status ${goalId}` });
  }
  const parsed = parseProofText(text);
  if (!parsed.ok) {
    throw new OmkError('store_corrupt', `${file} does not parse (${parsed.problems[0]?.path ?? '?'}: ${parsed.problems[0]?.message ?? ''})`, {
      hint: `omk goal proof ${goalId} --verify`,
    });
  }
  return parsed.value;
}
