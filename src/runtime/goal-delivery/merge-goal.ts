import type { MergePolicy } from '../../core/config/types.js';
import { decideMerge } from '../../core/delivery/merge-policy.js';
import type { CheckState } from '../../core/delivery/merge-policy.js';
import type { Store } from '../../core/store/store.js';
import { mergeGoalPullRequest } from '../delivery/merge.js';
import type { GitContext } from '../git/index.js';
import { loadDeliverableGoal } from './load-goal.js';
import { recordDelivery } from './record.js';
import type { DeliverySettings } from './settings.js';

export interface MergeGoalInput {
  store: Store;
  goalsDir: string;
  goalRef: string;
  git: GitContext;
  settings: DeliverySettings;
}

/** The `--json` shape of `omk goal merge` (docs/delivery.md "Delivery from the CLI"). */
export interface MergeGoalResult {
  goal_id: string;
  policy: MergePolicy;
  outcome: 'merged' | 'already_merged' | 'refused';
  reason: string;
  verdict: string;
  /** Null when the policy refused before the pull request was looked up. */
  number: number | null;
  url: string | null;
  head_sha: string | null;
  merge_sha: string | null;
  checks: Record<string, CheckState>;
  required_checks: string[];
  /** Seq of the `delivery.merged` / `delivery.merge_refused` event. */
  event_seq: number;
}

/**
 * `omk goal merge`: merges the goal's pull request under the merge policy (mergeGoalPullRequest:
 * verdict, human accept, required checks, head pinned to the proof's) and records
 * `delivery.merged` or `delivery.merge_refused` with the reason. `disabled` is refused without a
 * token or a request. GitHub and credential failures are thrown as OmkErrors and recorded nowhere.
 */
export async function mergeGoal(input: MergeGoalInput): Promise<MergeGoalResult> {
  const { store, settings } = input;
  const { goal, proof } = await loadDeliverableGoal({ store, goalsDir: input.goalsDir, goalRef: input.goalRef });
  const policy = settings.mergePolicy;
  const common = { goal_id: goal.id, policy, verdict: proof.status, required_checks: settings.requiredChecks };

  if (policy === 'disabled') {
    const { reason } = decideMerge({ policy, verdict: proof.status, humanAccepted: false, checks: { required: [], states: {} } });
    const seq = await recordDelivery(store, goal.id, 'delivery.merge_refused', { number: null, url: null, policy, head_sha: proof.head?.sha ?? null, reason });
    return { ...common, outcome: 'refused', reason, number: null, url: null, head_sha: proof.head?.sha ?? null, merge_sha: null, checks: {}, event_seq: seq };
  }

  const merged = await mergeGoalPullRequest({
    git: input.git,
    proof,
    policy,
    requiredChecks: settings.requiredChecks,
    remote: settings.remote,
    github: settings.github,
  });
  const shared = { number: merged.number, url: merged.url, head_sha: merged.headSha, reason: merged.reason };
  if (merged.outcome === 'merged' || merged.outcome === 'already_merged') {
    const seq = await recordDelivery(store, goal.id, 'delivery.merged', {
      ...shared,
      policy,
      merge_sha: merged.mergeSha,
      already_merged: merged.outcome === 'already_merged',
    });
    return { ...common, ...shared, outcome: merged.outcome, merge_sha: merged.mergeSha, checks: merged.checks, event_seq: seq };
  }
  // 'dry_run' is never asked for here; anything but a merge is a refusal.
  const seq = await recordDelivery(store, goal.id, 'delivery.merge_refused', { ...shared, policy });
  return { ...common, ...shared, outcome: 'refused', merge_sha: null, checks: merged.checks, event_seq: seq };
}
