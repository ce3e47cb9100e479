/**
 * Delivery, the side-effecting half: pushing the integration branch (never forced), finding a GitHub
 * token, the Octokit-backed REST client, opening/updating the goal's PR and merging it under the
 * merge policy. See docs/delivery.md.
 */
export { connectGitHub } from './connect.js';
export type { GitHubConnection } from './connect.js';
export { baseBranchOf, deliverPullRequest, githubRepo } from './deliver.js';
export type { DeliverPullRequestOptions, DeliveryResult, GitHubTarget } from './deliver.js';
export { checkStatesFrom, createGitHubApi, GITHUB_TIMEOUT_MS } from './github-client.js';
export type { GitHubApi, GitHubApiOptions, PullRequestInfo, RepoInfo } from './github-client.js';
export { GitHubTimeoutError, githubError } from './github-errors.js';
export type { GitHubCallInfo } from './github-errors.js';
export { mergeGoalPullRequest } from './merge.js';
export type { MergeGoalOptions } from './merge.js';
export { findGoalPullRequest, mergePullRequest, openOrUpdatePullRequest } from './pull-request.js';
export type { MergeOutcome, MergePullRequestOptions, OpenPullRequestOptions, PullRequestOutcome } from './pull-request.js';
export { buildPushArgs, parseLsRemote, pushBranch, remoteUrl } from './push.js';
export type { PushBranchOptions, PushOutcome, PushResult } from './push.js';
export { pushAuth, scrub, tokenOrigin } from './push-auth.js';
export type { PushAuth } from './push-auth.js';
export { GH_TOKEN_TIMEOUT_MS, resolveGitHubToken } from './token.js';
export type { GitHubToken, TokenLookupOptions, TokenSource } from './token.js';
