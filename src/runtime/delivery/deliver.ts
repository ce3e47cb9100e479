import { OmkError } from '../../core/errors.js';
import { parseGitHubRemote, withoutCredentials } from '../../core/delivery/remote-url.js';
import type { GitHubRepoRef } from '../../core/delivery/remote-url.js';
import { renderPullRequest } from '../../core/delivery/render-pr.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import { integrationBranchName } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import { connectGitHub } from './connect.js';
import type { GitHubApi } from './github-client.js';
import { openOrUpdatePullRequest } from './pull-request.js';
import type { PullRequestOutcome } from './pull-request.js';
import { buildPushArgs, pushBranch, remoteUrl } from './push.js';
import type { PushResult } from './push.js';
import type { TokenSource } from './token.js';

export interface GitHubTarget {
  /** Override the repository parsed from the remote URL (needed for a local or mirrored remote). */
  owner?: string;
  repo?: string;
  /** @default the host of the remote URL, else 'github.com' */
  host?: string;
  /** @default defaultApiBaseUrl(host) */
  apiBaseUrl?: string;
  /** Use this token instead of looking one up (GITHUB_TOKEN, GH_TOKEN, `gh auth token`). */
  token?: string;
  /** Per request. @default 30000 */
  timeoutMs?: number;
}

export interface DeliverPullRequestOptions {
  /** The repository and the caller's env (tokens and PATH are read from `git.env`). */
  git: GitContext;
  proof: ProofDocument;
  goalPrompt: string;
  draft: boolean;
  /** @default 'origin' */
  remote?: string;
  /** The PR's base branch. @default the proof's base ref, when it names a branch */
  base?: string;
  /** @default integrationBranchName(proof.goal_id) */
  branch?: string;
  costUsd?: number;
  github?: GitHubTarget;
  /** Render, plan the push and decide create vs update offline: no git push, no token, no request. @default false */
  dryRun?: boolean;
  /** For tests and callers that hold a client already. */
  api?: GitHubApi;
}

export interface DeliveryResult {
  dryRun: boolean;
  repo: GitHubRepoRef;
  remote: string;
  /** The remote's URL without credentials. */
  remoteUrl: string;
  branch: string;
  base: string;
  sha: string;
  title: string;
  body: string;
  truncated: boolean;
  /** Null on a dry run. */
  push: PushResult | null;
  /** The push argv that runs (or would run, on a dry run). */
  pushArgv: string[];
  pr: PullRequestOutcome;
  tokenSource: TokenSource | 'given' | null;
}

/**
 * Delivers a goal as a pull request: renders title and body from the proof, pushes the proof's head
 * commit to the goal's integration branch on the remote (never forced), then opens the PR or updates
 * the one omk opened before. This is what `omk goal open-pr` and the `draft-pr`/`auto-pr` policies call.
 * Refuses (`failed`) a proof without an integration head: there is nothing judged to push.
 */
export async function deliverPullRequest(options: DeliverPullRequestOptions): Promise<DeliveryResult> {
  const { proof, git } = options;
  if (proof.head === null) {
    throw new OmkError('failed', `goal ${proof.goal_id} has no integration head commit recorded, so there is nothing to push`, {
      hint: 'let the goal integrate its tasks first (omk goal run / execute), then deliver',
    });
  }
  const sha = proof.head.sha;
  const remote = options.remote ?? 'origin';
  const branch = options.branch ?? integrationBranchName(proof.goal_id);
  const base = options.base ?? baseBranchOf(proof.base.ref);
  const url = await remoteUrl(git, remote);
  const repo = githubRepo(url, options.github);
  const rendered = renderPullRequest(proof, {
    goalPrompt: options.goalPrompt,
    branch,
    base,
    draft: options.draft,
    ...(options.costUsd === undefined ? {} : { costUsd: options.costUsd }),
  });
  const common = {
    repo,
    remote,
    remoteUrl: withoutCredentials(url),
    branch,
    base,
    sha,
    title: rendered.title,
    body: rendered.body,
    truncated: rendered.truncated,
    pushArgv: ['git', ...buildPushArgs({ remote, sha, branch })],
  };
  const pr = { owner: repo.owner, repo: repo.repo, head: branch, base, title: rendered.title, body: rendered.body, draft: options.draft };

  if (options.dryRun) {
    return { ...common, dryRun: true, push: null, pr: await openOrUpdatePullRequest(undefined, { ...pr, dryRun: true }), tokenSource: null };
  }

  const gh = await connectGitHub({ git, repo, ...(options.github ? { target: options.github } : {}), ...(options.api ? { api: options.api } : {}) });
  // The token goes to git only when the remote is this GitHub host over https.
  const pushToken = parseGitHubRemote(url)?.host === repo.host ? gh.token : undefined;
  const push = await pushBranch({ git, remote, branch, sha, ...(pushToken ? { token: pushToken } : {}) });
  const api = gh.api;
  const outcome = await openOrUpdatePullRequest(api, pr);
  return { ...common, dryRun: false, push, pr: outcome, tokenSource: gh.tokenSource };
}

/** owner/repo from the overrides, else from the remote URL; a `usage` error when neither says. */
export function githubRepo(url: string, target: GitHubTarget | undefined): GitHubRepoRef {
  const parsed = parseGitHubRemote(url);
  const owner = target?.owner ?? parsed?.owner;
  const repo = target?.repo ?? parsed?.repo;
  if (owner === undefined || repo === undefined) {
    throw new OmkError('usage', `cannot tell which GitHub repository ${withoutCredentials(url)} is`, {
      hint: 'use a remote whose URL is https://HOST/OWNER/REPO or git@HOST:OWNER/REPO.git, or configure the owner and repository explicitly',
    });
  }
  return { host: target?.host ?? parsed?.host ?? 'github.com', owner, repo };
}

/** `main` from `main` or `refs/heads/main`; a `usage` error for HEAD, a sha or another kind of ref. */
export function baseBranchOf(ref: string): string {
  const name = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  if (name === '' || name === 'HEAD' || name.startsWith('refs/') || /^[0-9a-f]{7,64}$/.test(name)) {
    throw new OmkError('usage', `the goal's base "${ref}" is not a branch, so the pull request has no base to target`, {
      hint: 'pass the base branch explicitly (e.g. --base main)',
    });
  }
  return name;
}
