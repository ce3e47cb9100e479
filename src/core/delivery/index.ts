/** Delivery, the pure half: PR title/body from a proof, the merge decision, remote URL parsing. */
export { cell, clip, code, oneLine, table, text } from './markdown.js';
export { findPrMarker, hasPrMarker, prMarker } from './marker.js';
export { decideMerge, humanAcceptedIn } from './merge-policy.js';
export type { CheckState, MergeDecision, MergeDecisionInput } from './merge-policy.js';
export { defaultApiBaseUrl, parseGitHubRemote, withoutCredentials } from './remote-url.js';
export type { GitHubRepoRef } from './remote-url.js';
export { duration, PR_BODY_MAX_CHARS, PR_LIST_CAP, PR_TITLE_MAX_CHARS, renderPullRequest, renderTitle } from './render-pr.js';
export type { RenderedPullRequest, RenderPullRequestOptions } from './render-pr.js';
