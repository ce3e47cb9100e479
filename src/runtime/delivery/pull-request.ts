import type { MergePolicy } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import { findPrMarker } from '../../core/delivery/marker.js';
import { decideMerge } from '../../core/delivery/merge-policy.js';
import type { CheckState, MergeDecision } from '../../core/delivery/merge-policy.js';
import type { VerdictStatus } from '../../core/proof/evidence.js';
import { short } from '../../core/proof/verdict.js';
import type { GitHubApi, PullRequestInfo } from './github-client.js';

export interface OpenPullRequestOptions {
  owner: string;
  repo: string;
  /** The branch in `owner/repo` the PR is opened from. */
  head: string;
  base: string;
  title: string;
  /** Must carry the omk marker line (renderPullRequest adds it): that is how the PR is found again. */
  body: string;
  /** Open as a draft. Only applies when creating; GitHub's REST API cannot change it later. */
  draft: boolean;
  /** Render and decide nothing over the network: no request is made. @default false */
  dryRun?: boolean;
}

export interface PullRequestOutcome {
  operation: 'created' | 'updated' | 'dry_run';
  /** Null on a dry run. */
  number: number | null;
  url: string | null;
  /** What GitHub reports (or, on a dry run, what was asked). */
  draft: boolean;
  title: string;
  body: string;
  head: string;
  base: string;
}

/**
 * Opens the goal's pull request, or updates the one already open: among the open PRs for `head`,
 * the one whose body carries this goal's marker gets the new title, body and base. An open PR for
 * `head` without the marker was not opened by omk, so its description is not overwritten: that is a
 * `failed` error naming it. With `dryRun`, nothing is requested.
 */
export async function openOrUpdatePullRequest(api: GitHubApi | undefined, options: OpenPullRequestOptions): Promise<PullRequestOutcome> {
  const { owner, repo, head, base, title, body, draft } = options;
  const goalId = findPrMarker(body);
  if (goalId === undefined) {
    throw new OmkError('usage', 'the pull request body has no omk marker line, so the PR could not be found again to update it', {
      hint: 'render the body with renderPullRequest, which ends it with the marker',
    });
  }
  const base0 = { title, body, head, base };
  if (options.dryRun) return { operation: 'dry_run', number: null, url: null, draft, ...base0 };
  if (api === undefined) throw new OmkError('internal', 'openOrUpdatePullRequest: a GitHub client is needed unless dryRun is set');

  await api.getRepo(owner, repo); // a clear 404 ("no such repository or no access") before anything else
  const open = await api.listOpenPulls(owner, repo, head);
  const existing = open.filter((p) => p.head.ref === head && findPrMarker(p.body) === goalId).sort((a, b) => a.number - b.number)[0];
  if (existing) {
    const updated = await api.updatePull(owner, repo, existing.number, { title, body, base });
    return outcome('updated', updated, base0);
  }
  const foreign = open.find((p) => p.head.ref === head);
  if (foreign) {
    throw new OmkError(
      'failed',
      `pull request #${foreign.number} (${foreign.url}) is already open for ${head} and was not opened by omk for goal ${goalId}; its description was left alone`,
      { hint: `close #${foreign.number}, or deliver from another branch` },
    );
  }
  const created = await api.createPull(owner, repo, { head, base, title, body, draft });
  return outcome('created', created, base0);
}

function outcome(operation: 'created' | 'updated', pr: PullRequestInfo, asked: { title: string; body: string; head: string; base: string }): PullRequestOutcome {
  return { operation, number: pr.number, url: pr.url, draft: pr.draft, ...asked, base: pr.base.ref };
}

export interface MergePullRequestOptions {
  owner: string;
  repo: string;
  number: number;
  policy: MergePolicy;
  /** The proof's verdict. */
  verdict: VerdictStatus;
  /** Whether the latest recorded human decision is an accept (humanAcceptedIn). */
  humanAccepted: boolean;
  /** Check names that must pass on the PR's head. @default [] */
  requiredChecks?: readonly string[];
  /**
   * The commit the verdict is about (the proof's head). When the PR's head is another commit the
   * merge is refused: the evidence would not be about what gets merged.
   */
  expectedHeadSha?: string;
  /** Decide, but do not merge. @default false */
  dryRun?: boolean;
}

export interface MergeOutcome {
  /** `merged`; `refused` (policy, verdict, checks, head or draft: see `reason`); `already_merged`; `dry_run` (would merge). */
  outcome: 'merged' | 'refused' | 'already_merged' | 'dry_run';
  reason: string;
  number: number;
  url: string;
  /** The merge commit, when merged. */
  mergeSha: string | null;
  /** The head that was (or would be) merged. */
  headSha: string;
  checks: Record<string, CheckState>;
}

/**
 * Merges the goal's pull request when decideMerge allows it: an ordinary merge
 * (`merge_method: merge`) pinned to the head sha that was checked, so a push in between makes
 * GitHub refuse instead of merging unjudged work. Refusals are data (`outcome: 'refused'` with the
 * reason); GitHub errors are OmkErrors. Never forces anything.
 */
export async function mergePullRequest(api: GitHubApi, options: MergePullRequestOptions): Promise<MergeOutcome> {
  const { owner, repo, number } = options;
  const pr = await api.getPull(owner, repo, number);
  const base = { number, url: pr.url, headSha: pr.head.sha, mergeSha: null, checks: {} };
  if (pr.merged) return { ...base, outcome: 'already_merged', reason: `pull request #${number} is already merged` };
  if (pr.state !== 'open') return { ...base, outcome: 'refused', reason: `pull request #${number} is closed` };
  if (options.expectedHeadSha !== undefined && pr.head.sha !== options.expectedHeadSha) {
    return {
      ...base,
      outcome: 'refused',
      reason: `pull request #${number} points at ${short(pr.head.sha)}, but the proof is about ${short(options.expectedHeadSha)}; deliver again before merging`,
    };
  }
  const checks = await api.checkStates(owner, repo, pr.head.sha);
  const decision: MergeDecision = decideMerge({
    policy: options.policy,
    verdict: options.verdict,
    humanAccepted: options.humanAccepted,
    checks: { required: options.requiredChecks ?? [], states: checks },
  });
  if (!decision.merge) return { ...base, checks, outcome: 'refused', reason: decision.reason };
  if (pr.draft) {
    return { ...base, checks, outcome: 'refused', reason: `pull request #${number} is a draft; mark it ready for review on GitHub, then merge again` };
  }
  if (options.dryRun) return { ...base, checks, outcome: 'dry_run', reason: decision.reason };
  const merged = await api.mergePull(owner, repo, number, { sha: pr.head.sha, commitTitle: `Merge pull request #${number}: ${pr.title}` });
  if (!merged.merged) return { ...base, checks, outcome: 'refused', reason: `GitHub did not merge #${number}: ${merged.message}` };
  return { ...base, checks, outcome: 'merged', reason: decision.reason, mergeSha: merged.sha };
}

/** The open pull request for `head` whose body carries `goalId`'s marker (the oldest, if several), or undefined. */
export async function findGoalPullRequest(
  api: GitHubApi,
  options: { owner: string; repo: string; head: string; goalId: string },
): Promise<PullRequestInfo | undefined> {
  const open = await api.listOpenPulls(options.owner, options.repo, options.head);
  return open
    .filter((p) => p.head.ref === options.head && findPrMarker(p.body) === options.goalId)
    .sort((a, b) => a.number - b.number)[0];
}
