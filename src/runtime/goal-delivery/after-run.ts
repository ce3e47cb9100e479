import { isDeliverable } from '../../core/goal/status.js';
import type { MergePolicy, OmkConfig, Policy } from '../../core/config/types.js';
import { describeError, isOmkError, type ErrorCode } from '../../core/errors.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseProofText, type ProofDocument } from '../../core/proof/proof-schema.js';
import type { Store } from '../../core/store/store.js';
import type { PushOutcome } from '../delivery/push.js';
import { integrationBranchName, type GitContext } from '../git/index.js';
import { mergeGoal } from './merge-goal.js';
import { openGoalPr, type OpenGoalPrInput, type OpenGoalPrResult } from './open-pr.js';
import type { DeliveryPolicies } from './policies.js';
import { recordDelivery } from './record.js';
import { deliverySettings } from './settings.js';

export interface DeliverAfterRunInput {
  store: Store;
  goalsDir: string;
  goalId: string;
  /** What the run ended with: a verdict status, or `paused` / `interrupted`. */
  status: string;
  proof: ProofDocument | undefined;
  git: GitContext;
  config: Pick<OmkConfig, 'delivery' | 'defaults'>;
  policies: DeliveryPolicies;
}

/** The `delivery` object of `omk goal run --json` (docs/delivery.md "Delivery at the end of a run"). */
export interface AfterRunDelivery {
  policy: Policy;
  merge_policy: MergePolicy;
  /** `local`: nothing pushed by policy; `skipped`: nothing to deliver (see reason); `opened`: PR created or updated; `failed`: see error. */
  outcome: 'local' | 'skipped' | 'opened' | 'failed';
  reason: string;
  branch: string;
  head_sha: string | null;
  push: { outcome: PushOutcome; previous_sha: string | null } | null;
  pr: { operation: 'created' | 'updated'; number: number; url: string; draft: boolean } | null;
  merge: { outcome: 'merged' | 'already_merged' | 'refused' | 'not_attempted' | 'failed'; reason: string } | null;
  /** Set when opening the PR or merging failed; the verdict is unchanged. */
  error: { stage: 'open_pr' | 'merge'; code: ErrorCode; message: string; hint: string | null; retry: string } | null;
  /** Seq of the `delivery.failed` event, when one was recorded. */
  failure_event_seq: number | null;
}

/** Verdicts whose work is worth handing over; `cancelled` and `failed_infra` are delivered only by hand (omk goal open-pr). */

/**
 * Delivery at the end of `omk goal run` / `resume`, under the run's policies:
 * `local` pushes nothing; `draft-pr` opens a draft PR whatever the verdict; `auto-pr` opens a PR ready
 * for review for a `ready` goal (a draft otherwise, docs/decisions/0003) and then merges only under
 * `gated` (mergeGoal: verdict `ready`, required checks passed). A failure never touches the verdict:
 * it is recorded as `delivery.failed` and returned in `error`. Never throws for a delivery failure.
 */
export async function deliverAfterRun(input: DeliverAfterRunInput): Promise<AfterRunDelivery> {
  const { policies, goalId } = input;
  // A resume that finds the verdict already reached writes no new proof: deliver the one on disk.
  const proof = input.proof ?? (isDeliverable(input.status) ? await proofOnDisk(input.goalsDir, goalId) : undefined);
  const base: AfterRunDelivery = {
    policy: policies.policy,
    merge_policy: policies.mergePolicy,
    outcome: 'skipped',
    reason: '',
    branch: integrationBranchName(goalId),
    head_sha: proof?.head?.sha ?? null,
    push: null,
    pr: null,
    merge: null,
    error: null,
    failure_event_seq: null,
  };
  const integrated = proof?.head != null && proof.head.sha !== proof.base.sha;
  if (policies.policy === 'local') {
    const reason = integrated
      ? `policy \`local\`: nothing was pushed; the work is on ${base.branch} (omk goal open-pr ${goalId} delivers it)`
      : `policy \`local\`: nothing was pushed; the goal integrated no commit beyond its base`;
    return { ...base, outcome: 'local', reason };
  }
  if (!isDeliverable(input.status) || proof === undefined) {
    const later = input.status === 'paused' || input.status === 'interrupted' ? ` (omk goal resume ${goalId} delivers it under the same policy)` : '';
    return { ...base, reason: `the goal ended \`${input.status}\`, so nothing was delivered${later}` };
  }
  if (!integrated) return { ...base, reason: 'the goal integrated no commit beyond its base, so there is nothing to push' };

  const draft = policies.policy === 'draft-pr' || proof.status !== 'ready';
  let common: Omit<OpenGoalPrInput, 'draft'>;
  let opened: OpenGoalPrResult;
  try {
    const settings = deliverySettings(input.config, { policy: policies.mergePolicy });
    common = { store: input.store, goalsDir: input.goalsDir, goalRef: goalId, git: input.git, settings };
    opened = await openGoalPr({ ...common, draft });
  } catch (error) {
    const retry = `omk goal open-pr ${goalId}${draft ? ' --draft' : ''}`;
    return failed(input, { ...base, outcome: 'failed', reason: 'the pull request could not be opened' }, 'open_pr', error, retry);
  }
  const pr = opened.pr.number === null || opened.pr.url === null || opened.pr.operation === 'dry_run'
    ? null
    : { operation: opened.pr.operation, number: opened.pr.number, url: opened.pr.url, draft: opened.pr.draft };
  const done: AfterRunDelivery = {
    ...base,
    outcome: 'opened',
    reason: `pull request ${pr ? `#${pr.number} ` : ''}${opened.pr.operation}${opened.pr.draft ? ' as a draft' : ''}`,
    push: opened.push,
    pr,
  };
  if (opened.pr.draft) {
    const why = policies.policy === 'draft-pr'
      ? 'policy `draft-pr` opens a draft, which GitHub cannot merge; mark it ready for review, then omk goal merge'
      : `the verdict is \`${proof.status}\`, so the pull request is a draft and omk does not merge it`;
    return { ...done, merge: { outcome: 'not_attempted', reason: why } };
  }
  if (policies.mergePolicy === 'disabled') {
    return { ...done, merge: { outcome: 'not_attempted', reason: 'merge policy `disabled`: omk never merges; merge it on GitHub' } };
  }
  if (policies.mergePolicy === 'manual') {
    const how = `merge policy \`manual\`: after \`omk goal accept ${goalId} --summary TEXT\`, run \`omk goal merge ${goalId} --policy manual\``;
    return { ...done, merge: { outcome: 'not_attempted', reason: how } };
  }
  try {
    const merged = await mergeGoal(common);
    const reason = merged.outcome === 'refused' ? `${merged.reason} (once it can, run omk goal merge ${goalId} --policy gated)` : merged.reason;
    return { ...done, merge: { outcome: merged.outcome, reason } };
  } catch (error) {
    const retry = `omk goal merge ${goalId} --policy gated`;
    return failed(input, { ...done, merge: { outcome: 'failed', reason: describeError(error) } }, 'merge', error, retry);
  }
}

/** Records `delivery.failed` for `error` and returns the delivery with it; the verdict is untouched. */
async function failed(
  input: DeliverAfterRunInput,
  delivery: AfterRunDelivery,
  stage: 'open_pr' | 'merge',
  error: unknown,
  retry: string,
): Promise<AfterRunDelivery> {
  const code: ErrorCode = isOmkError(error) ? error.code : 'internal';
  const hint = isOmkError(error) ? (error.hint ?? null) : null;
  const message = describeError(error);
  const seq = await recordDelivery(input.store, input.goalId, 'delivery.failed', {
    policy: input.policies.policy,
    merge_policy: input.policies.mergePolicy,
    stage,
    code,
    message,
    hint,
  });
  return { ...delivery, error: { stage, code, message, hint, retry }, failure_event_seq: seq };
}

async function proofOnDisk(goalsDir: string, goalId: string): Promise<ProofDocument | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(goalsDir, goalId, 'proof.json'), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parseProofText(text);
  return parsed.ok ? parsed.value : undefined;
}
