import { isActive } from '../../core/goal/status.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { parseProofText, type ProofDocument } from '../../core/proof/proof-schema.js';
import type { Store } from '../../core/store/store.js';
import type { Goal } from '../../core/store/types.js';
import { verifyProof } from '../proof/verify-proof.js';

/** Statuses whose proof.json, if any, may be rewritten at any moment by the running controller. */

export interface DeliverableGoal {
  goal: Goal;
  /** The goal's directory under `.omk/goals/`. */
  dir: string;
  /** proof.json, parsed and verified against the evidence on disk and the event chain. */
  proof: ProofDocument;
  /** The goal as the user stated it (the PR title is its first line). */
  prompt: string;
  /** Spend recorded in the cost ledger so far, in USD. */
  costUsd: number;
}

/**
 * What `omk goal open-pr` and `merge` deliver: the goal's proof.json, which must exist, parse and
 * verify (verifyProof: artifact digests, gate results, the event chain, the re-derived verdict) —
 * delivery never ships evidence that does not check out. Refuses (`usage`) a goal still being worked
 * on, (`not_found`) one without a proof and (`failed`) one whose proof does not verify.
 */
export async function loadDeliverableGoal(input: { store: Store; goalsDir: string; goalRef: string }): Promise<DeliverableGoal> {
  const { store } = input;
  const goal = await store.resolveGoal(input.goalRef);
  const dir = path.join(input.goalsDir, goal.id);
  if (isActive(goal.status)) {
    throw new OmkError('usage', `goal ${goal.id} is ${goal.status}: it can be delivered once it has a proof`, {
      hint: `wait for it to finish (omk goal status ${goal.id})`,
    });
  }
  let text: string;
  try {
    text = await readFile(path.join(dir, 'proof.json'), 'utf8');
  } catch {
    throw new OmkError('not_found', `goal ${goal.id} has no proof.json (status ${goal.status}), so there is nothing to deliver`, {
      hint: `omk goal status ${goal.id}`,
    });
  }
  const report = await verifyProof({ goalDir: dir, goalId: goal.id, storeEvents: await store.readEvents(goal.id) });
  if (!report.ok) {
    const first = report.mismatches[0];
    throw new OmkError(
      'failed',
      `the proof of goal ${goal.id} does not verify (${report.mismatches.length} mismatch(es); first: ${first?.message ?? '?'}), so it is not delivered`,
      { hint: `see omk goal proof ${goal.id} --verify` },
    );
  }
  const parsed = parseProofText(text);
  if (!parsed.ok) {
    // verifyProof read the same file a moment ago; it changed in between.
    throw new OmkError('failed', `goal ${goal.id}'s proof.json changed while it was being read`, { hint: 'try again' });
  }
  const cost = await store.costTotal(goal.id);
  return { goal, dir, proof: parsed.value, prompt: goal.prompt, costUsd: cost.usd };
}
