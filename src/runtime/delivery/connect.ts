import { defaultApiBaseUrl } from '../../core/delivery/remote-url.js';
import type { GitHubRepoRef } from '../../core/delivery/remote-url.js';
import type { GitContext } from '../git/index.js';
import type { GitHubTarget } from './deliver.js';
import { createGitHubApi } from './github-client.js';
import type { GitHubApi } from './github-client.js';
import { resolveGitHubToken } from './token.js';
import type { TokenSource } from './token.js';

export interface GitHubConnection {
  api: GitHubApi;
  /** Empty when the caller supplied `api` and no token was needed. */
  token: string;
  tokenSource: TokenSource | 'given' | null;
}

/** A token (given, or looked up for `repo.host`) and a client for the configured API base. */
export async function connectGitHub(options: {
  git: GitContext;
  repo: GitHubRepoRef;
  target?: GitHubTarget;
  api?: GitHubApi;
}): Promise<GitHubConnection> {
  const { git, repo, target } = options;
  const given = target?.token;
  const found = given === undefined ? await resolveGitHubToken({ env: git.env, cwd: git.cwd, host: repo.host }) : undefined;
  const token = given ?? found?.token ?? '';
  const api =
    options.api ??
    (await createGitHubApi({
      token,
      baseUrl: target?.apiBaseUrl ?? defaultApiBaseUrl(repo.host),
      ...(target?.timeoutMs === undefined ? {} : { timeoutMs: target.timeoutMs }),
      ...(git.signal === undefined ? {} : { signal: git.signal }),
    }));
  return { api, token, tokenSource: given !== undefined ? 'given' : (found?.source ?? null) };
}
