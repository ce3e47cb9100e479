import type { Octokit } from '@octokit/rest';
import type { CheckState } from '../../core/delivery/merge-policy.js';
import { GitHubTimeoutError, githubError } from './github-errors.js';

/** A pull request as omk needs it. */
export interface PullRequestInfo {
  number: number;
  /** The page on GitHub (`html_url`). */
  url: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  title: string;
  body: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

export interface RepoInfo {
  fullName: string;
  defaultBranch: string;
  private: boolean;
}

/** The REST calls delivery makes; createGitHubApi implements them over Octokit. */
export interface GitHubApi {
  getRepo(owner: string, repo: string): Promise<RepoInfo>;
  /** Open pull requests whose head is `branch` in `owner`'s repository. */
  listOpenPulls(owner: string, repo: string, branch: string): Promise<PullRequestInfo[]>;
  getPull(owner: string, repo: string, number: number): Promise<PullRequestInfo>;
  createPull(owner: string, repo: string, p: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequestInfo>;
  updatePull(owner: string, repo: string, number: number, p: { title: string; body: string; base: string }): Promise<PullRequestInfo>;
  /** An ordinary merge (`merge_method: merge`) of exactly `sha`; GitHub refuses if the head moved. */
  mergePull(owner: string, repo: string, number: number, p: { sha: string; commitTitle: string }): Promise<{ merged: boolean; sha: string; message: string }>;
  /** Check runs and commit statuses on `ref`, by name (see checkStatesFrom). */
  checkStates(owner: string, repo: string, ref: string): Promise<Record<string, CheckState>>;
}

export interface GitHubApiOptions {
  token: string;
  /** @default 'https://api.github.com' (GitHub Enterprise: `https://HOST/api/v3`; tests: the fake server) */
  baseUrl?: string;
  /** Per request, including reading the body. @default 30000 */
  timeoutMs?: number;
  /** @default 'omk' */
  userAgent?: string;
  /** Cancels every request in flight. */
  signal?: AbortSignal;
}

export const GITHUB_TIMEOUT_MS = 30_000;

/**
 * A GitHub REST client over Octokit, imported lazily (only delivery pays for it). Every request has
 * a timeout; every failure becomes an OmkError with the HTTP status and a hint (githubError). No
 * retries, no logging: Octokit's log is silenced, and the token never appears in an error.
 */
export async function createGitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const { Octokit: OctokitClass } = await import('@octokit/rest');
  const timeoutMs = options.timeoutMs ?? GITHUB_TIMEOUT_MS;
  const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const octokit: Octokit = new OctokitClass({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'omk',
    log: silent,
    request: { fetch: timedFetch(timeoutMs, options.signal) },
  });
  const secrets = [options.token];
  const call = async <T>(route: string, owner: string, repo: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw githubError(error, { route, owner, repo, secrets });
    }
  };

  return {
    getRepo: (owner, repo) =>
      call('GET /repos/{owner}/{repo}', owner, repo, async () => {
        const { data } = await octokit.rest.repos.get({ owner, repo });
        return { fullName: data.full_name, defaultBranch: data.default_branch, private: data.private };
      }),
    listOpenPulls: (owner, repo, branch) =>
      call('GET /repos/{owner}/{repo}/pulls', owner, repo, async () => {
        const { data } = await octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${branch}`, per_page: 100 });
        return data.map(toPull);
      }),
    getPull: (owner, repo, number) =>
      call(`GET /repos/{owner}/{repo}/pulls/${number}`, owner, repo, async () => {
        const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
        return toPull(data);
      }),
    createPull: (owner, repo, p) =>
      call('POST /repos/{owner}/{repo}/pulls', owner, repo, async () => {
        const { data } = await octokit.rest.pulls.create({ owner, repo, head: p.head, base: p.base, title: p.title, body: p.body, draft: p.draft });
        return toPull(data);
      }),
    updatePull: (owner, repo, number, p) =>
      call(`PATCH /repos/{owner}/{repo}/pulls/${number}`, owner, repo, async () => {
        const { data } = await octokit.rest.pulls.update({ owner, repo, pull_number: number, title: p.title, body: p.body, base: p.base });
        return toPull(data);
      }),
    mergePull: (owner, repo, number, p) =>
      call(`PUT /repos/{owner}/{repo}/pulls/${number}/merge`, owner, repo, async () => {
        const { data } = await octokit.rest.pulls.merge({
          owner,
          repo,
          pull_number: number,
          merge_method: 'merge',
          sha: p.sha,
          commit_title: p.commitTitle,
        });
        return { merged: data.merged, sha: data.sha, message: data.message };
      }),
    checkStates: (owner, repo, ref) =>
      call(`GET /repos/{owner}/{repo}/commits/${ref}/check-runs`, owner, repo, async () => {
        const runs = await octokit.rest.checks.listForRef({ owner, repo, ref, per_page: 100, filter: 'latest' });
        const statuses = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref, per_page: 100 });
        return checkStatesFrom(
          runs.data.check_runs.map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion ?? null })),
          statuses.data.statuses.map((s) => ({ context: s.context, state: s.state })),
        );
      }),
  };
}

/**
 * Check runs and commit statuses reduced to one state per name. A run that has not completed is
 * `pending`; `success`, `neutral` and `skipped` conclusions pass; every other conclusion fails.
 * Statuses: `success` passes, `pending` waits, `failure`/`error` fail. When one name appears more
 * than once (a run and a status), failure wins over pending, pending over success.
 */
export function checkStatesFrom(
  runs: readonly { name: string; status: string; conclusion: string | null }[],
  statuses: readonly { context: string; state: string }[],
): Record<string, CheckState> {
  const out: Record<string, CheckState> = {};
  const rank: Record<CheckState, number> = { success: 0, pending: 1, failure: 2 };
  const add = (name: string, state: CheckState) => {
    const prev = out[name];
    if (prev === undefined || rank[state] > rank[prev]) out[name] = state;
  };
  for (const r of runs) {
    if (r.status !== 'completed') add(r.name, 'pending');
    else add(r.name, ['success', 'neutral', 'skipped'].includes(r.conclusion ?? '') ? 'success' : 'failure');
  }
  for (const s of statuses) add(s.context, s.state === 'success' ? 'success' : s.state === 'pending' ? 'pending' : 'failure');
  return out;
}

interface RawPull {
  number: number;
  html_url: string;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at?: string | null;
  title: string;
  body?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
}

function toPull(p: RawPull): PullRequestInfo {
  return {
    number: p.number,
    url: p.html_url,
    state: p.state === 'open' ? 'open' : 'closed',
    draft: p.draft ?? false,
    merged: p.merged ?? (p.merged_at !== undefined && p.merged_at !== null),
    title: p.title,
    body: p.body ?? '',
    head: { ref: p.head.ref, sha: p.head.sha },
    base: { ref: p.base.ref },
  };
}

/** fetch with a per-request timeout that also covers reading the body; a timeout is a GitHubTimeoutError. */
function timedFetch(timeoutMs: number, outer: AbortSignal | undefined): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, ...(outer ? [outer] : []), ...(init?.signal ? [init.signal] : [])];
    try {
      return await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    } catch (error) {
      if (timeout.aborted) throw new GitHubTimeoutError(timeoutMs);
      throw error;
    }
  };
}
