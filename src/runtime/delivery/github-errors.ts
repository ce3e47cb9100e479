import { OmkError } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';
import { scrub } from './push-auth.js';

/** What a failing call was doing, for the message. */
export interface GitHubCallInfo {
  /** e.g. `POST /repos/{owner}/{repo}/pulls` */
  route: string;
  owner: string;
  repo: string;
  /** Strings never to show (the token). */
  secrets: readonly string[];
}

/** Thrown by omk's fetch wrapper when a request outlives its timeout. */
export class GitHubTimeoutError extends Error {
  override readonly name = 'GitHubTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
  cause?: unknown;
}

/**
 * Maps anything a GitHub call threw to an OmkError carrying the HTTP status and a hint:
 * 401 → the token is invalid (`blocked`), 403 → no permission or rate limited (`blocked`),
 * 404 → no such repository or no access (`failed`), 409/405/422 → GitHub refused the change
 * (`failed`, with its own explanation), 5xx / network / timeout → GitHub unreachable (`blocked`, retryable).
 */
export function githubError(error: unknown, call: GitHubCallInfo): OmkError {
  if (error instanceof OmkError) return error;
  const what = `GitHub API ${call.route.replace('{owner}', call.owner).replace('{repo}', call.repo)}`;
  const clean = (s: string) => redactSecrets(scrub(s, call.secrets));
  const timeout = findCause(error, GitHubTimeoutError);
  if (timeout) {
    return new OmkError('blocked', `${what} timed out (${timeout.message})`, {
      hint: 'check the network and the API base URL, or raise the GitHub timeout',
      retryable: true,
      cause: error,
    });
  }
  if (!isHttpError(error)) {
    return new OmkError('blocked', `${what} failed: ${clean(describe(error))}`, {
      hint: 'check the network and the API base URL',
      retryable: true,
      cause: error,
    });
  }
  const { status } = error;
  const said = clean(explanation(error));
  const message = `${what} failed (HTTP ${status})${said ? `: ${said}` : ''}`;
  const repo = `${call.owner}/${call.repo}`;
  if (status === 401) {
    return new OmkError('blocked', message, {
      hint: 'GitHub rejected the token (invalid, expired or revoked): set a valid GITHUB_TOKEN or run `gh auth login`',
      cause: error,
    });
  }
  if (status === 403 || status === 429) {
    const limited = status === 429 || error.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said);
    return new OmkError('blocked', message, {
      hint: limited
        ? 'GitHub rate-limited the token; wait for the limit to reset and try again'
        : `the token may not change ${repo}: it needs contents:write and pull-requests:write (classic: the repo scope)`,
      retryable: limited,
      cause: error,
    });
  }
  if (status === 404) {
    return new OmkError('failed', message, {
      hint: `repository ${repo} was not found, or the token has no access to it (GitHub answers 404 for both); check the remote and the token's repository access`,
      cause: error,
    });
  }
  if (status === 422) {
    return new OmkError('failed', message, {
      hint: /no commits between/i.test(said)
        ? 'the branch has no commits beyond the base: there is nothing to open a pull request for'
        : 'GitHub refused the request as invalid (e.g. no commits between the branches, an unknown base branch, or a pull request that already exists)',
      cause: error,
    });
  }
  if (status === 405 || status === 409) {
    return new OmkError('failed', message, {
      hint: 'GitHub refused the merge: the pull request is not mergeable (conflicts, draft, branch protection) or its head moved since it was checked',
      cause: error,
    });
  }
  if (status >= 500) {
    return new OmkError('blocked', message, { hint: 'GitHub (or the network in between) failed; try again later', retryable: true, cause: error });
  }
  return new OmkError('failed', message, { hint: 'see GitHub\'s message above', cause: error });
}

/** An answer from GitHub with an error status (Octokit's RequestError). A network failure has no response. */
function isHttpError(value: unknown): value is HttpErrorLike {
  const v = value as Partial<HttpErrorLike> | null;
  return value instanceof Error && typeof v?.status === 'number' && v.response !== undefined;
}

/** GitHub's own words: `message` plus any `errors[].message`, without the documentation URL. */
function explanation(error: HttpErrorLike): string {
  const data = error.response?.data;
  if (data && typeof data === 'object' && 'message' in data) {
    const d = data as { message?: unknown; errors?: unknown };
    const parts = [String(d.message)];
    if (Array.isArray(d.errors)) {
      for (const e of d.errors as unknown[]) {
        if (typeof e === 'string') parts.push(e);
        else if (e && typeof e === 'object') {
          const o = e as Record<string, unknown>;
          const text = typeof o.message === 'string' ? o.message : [o.resource, o.field, o.code].filter((x) => typeof x === 'string').join(' ');
          if (text) parts.push(text);
        }
      }
    }
    return parts.join('; ');
  }
  return typeof data === 'string' && data.trim() !== '' ? data.trim().slice(0, 300) : '';
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  let cur: unknown = error;
  for (let i = 0; i < 5 && cur instanceof Error; i += 1) {
    if (cur instanceof type) return cur;
    cur = cur.cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
