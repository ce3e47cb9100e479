import type { MergePolicy } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import { humanAcceptedIn } from '../../core/delivery/merge-policy.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import { integrationBranchName } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import { connectGitHub } from './connect.js';
import type { GitHubTarget } from './deliver.js';
import { githubRepo } from './deliver.js';
import type { GitHubApi } from './github-client.js';
import { findGoalPullRequest, mergePullRequest } from './pull-request.js';
import type { MergeOutcome } from './pull-request.js';
import { remoteUrl } from './push.js';

export interface MergeGoalOptions {
  git: GitContext;
  proof: ProofDocument;
  policy: MergePolicy;
  /** Check names that must pass on the PR's head. @default [] */
  requiredChecks?: readonly string[];
  /** @default 'origin' */
  remote?: string;
  /** @default integrationBranchName(proof.goal_id) */
  branch?: string;
  github?: GitHubTarget;
  /** Read the PR and its checks and decide, but do not merge. @default false */
  dryRun?: boolean;
  api?: GitHubApi;
}

/**
 * `omk goal merge`: finds the goal's open pull request by its marker and merges it when the merge
 * policy allows (decideMerge with the proof's verdict, its latest human decision and the PR head's
 * checks), pinned to the proof's head commit. `disabled` refuses before any token or request.
 */
export async function mergeGoalPullRequest(options: MergeGoalOptions): Promise<MergeOutcome> {
  const { proof, git } = options;
  if (options.policy === 'disabled') {
    throw new OmkError('failed', 'merge policy is `disabled`: omk never merges; merge the pull request by hand', {
      hint: 'set defaults.merge_policy = "manual" or "gated" in .omk/config.toml to let omk merge',
    });
  }
  const branch = options.branch ?? integrationBranchName(proof.goal_id);
  const url = await remoteUrl(git, options.remote ?? 'origin');
  const repo = githubRepo(url, options.github);
  const { api } = await connectGitHub({ git, repo, ...(options.github ? { target: options.github } : {}), ...(options.api ? { api: options.api } : {}) });
  const pr = await findGoalPullRequest(api, { owner: repo.owner, repo: repo.repo, head: branch, goalId: proof.goal_id });
  if (pr === undefined) {
    throw new OmkError('not_found', `no open pull request for goal ${proof.goal_id} on ${repo.owner}/${repo.repo} (branch ${branch})`, {
      hint: `open one first: omk goal open-pr ${proof.goal_id}`,
    });
  }
  return mergePullRequest(api, {
    owner: repo.owner,
    repo: repo.repo,
    number: pr.number,
    policy: options.policy,
    verdict: proof.status,
    humanAccepted: humanAcceptedIn(proof),
    requiredChecks: options.requiredChecks ?? [],
    ...(proof.head ? { expectedHeadSha: proof.head.sha } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  });
}
