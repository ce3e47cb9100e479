import { OmkError } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import { deliverPullRequest } from '../delivery/deliver.js';
import type { PushOutcome } from '../delivery/push.js';
import type { GitContext } from '../git/index.js';
import { loadDeliverableGoal } from './load-goal.js';
import { recordDelivery } from './record.js';
import type { DeliverySettings } from './settings.js';

export interface OpenGoalPrInput {
  store: Store;
  goalsDir: string;
  /** A goal id, a unique prefix, or `latest`. */
  goalRef: string;
  /** The repository (cwd) and the caller's env, where the token is looked up. */
  git: GitContext;
  settings: DeliverySettings;
  /** Open as a draft; required for a goal whose verdict is not `ready`. */
  draft: boolean;
  /** Render only: no push, no token lookup, no request, no event. @default false */
  dryRun?: boolean;
}

/** The `--json` shape of `omk goal open-pr` (docs/delivery.md "Delivery from the CLI"). */
export interface OpenGoalPrResult {
  goal_id: string;
  dry_run: boolean;
  verdict: string;
  known_gaps: string[];
  draft: boolean;
  title: string;
  body: string;
  remote: string;
  remote_url: string;
  repository: string;
  branch: string;
  base: string;
  head_sha: string;
  /** Null on a dry run. */
  push: { outcome: PushOutcome; previous_sha: string | null } | null;
  push_argv: string[];
  pr: { operation: 'created' | 'updated' | 'dry_run'; number: number | null; url: string | null; draft: boolean };
  /** Seq of the `delivery.pr_opened` event; null on a dry run. */
  event_seq: number | null;
}

/**
 * `omk goal open-pr`: loads the goal's verified proof, refuses a non-draft PR for a goal that is not
 * `ready`, then delivers (push the proof's head, open or update the PR) and records
 * `delivery.pr_opened`. A dry run renders and plans only.
 */
export async function openGoalPr(input: OpenGoalPrInput): Promise<OpenGoalPrResult> {
  const { store, settings, draft } = input;
  const loaded = await loadDeliverableGoal({ store, goalsDir: input.goalsDir, goalRef: input.goalRef });
  const { goal, proof } = loaded;
  if (proof.status !== 'ready' && !draft) {
    throw new OmkError(
      'failed',
      `goal ${goal.id} is \`${proof.status}\`, not ready (${proof.known_gaps.length} known gap(s)): omk opens a pull request ready for review only for a ready goal`,
      { hint: `open it as a draft (omk goal open-pr ${goal.id} --draft); the body lists the gaps` },
    );
  }
  if (proof.head !== null && proof.head.sha === proof.base.sha) {
    throw new OmkError('failed', `goal ${goal.id} integrated no commit beyond its base ${proof.base.sha.slice(0, 12)}, so there is nothing to open a pull request for`, {
      hint: `omk goal show ${goal.id} lists what each attempt did`,
    });
  }
  const delivered = await deliverPullRequest({
    git: input.git,
    proof,
    goalPrompt: loaded.prompt,
    draft,
    remote: settings.remote,
    ...(settings.base === undefined ? {} : { base: settings.base }),
    costUsd: loaded.costUsd,
    github: settings.github,
    dryRun: input.dryRun === true,
  });
  const { pr } = delivered;
  let eventSeq: number | null = null;
  if (!delivered.dryRun) {
    if (pr.operation === 'dry_run' || pr.number === null || pr.url === null) {
      throw new OmkError('internal', 'deliverPullRequest returned no pull request number after a real delivery');
    }
    eventSeq = await recordDelivery(store, goal.id, 'delivery.pr_opened', {
      operation: pr.operation,
      number: pr.number,
      url: pr.url,
      draft: pr.draft,
      head_sha: delivered.sha,
      branch: delivered.branch,
      base: delivered.base,
      remote: delivered.remote,
      verdict: proof.status,
    });
  }
  return {
    goal_id: goal.id,
    dry_run: delivered.dryRun,
    verdict: proof.status,
    known_gaps: proof.known_gaps,
    draft,
    title: delivered.title,
    body: delivered.body,
    remote: delivered.remote,
    remote_url: delivered.remoteUrl,
    repository: `${delivered.repo.owner}/${delivered.repo.repo}`,
    branch: delivered.branch,
    base: delivered.base,
    head_sha: delivered.sha,
    push: delivered.push ? { outcome: delivered.push.outcome, previous_sha: delivered.push.previousSha } : null,
    push_argv: delivered.pushArgv,
    pr: { operation: pr.operation, number: pr.number, url: pr.url, draft: pr.draft },
    event_seq: eventSeq,
  };
}
