/** Which GitHub repository a git remote URL points at. Pure: the caller reads the URL from git. */

export interface GitHubRepoRef {
  /** Lower-cased host, e.g. `github.com` or a GitHub Enterprise host. */
  host: string;
  owner: string;
  repo: string;
}

const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Parses `https://github.com/o/r(.git)`, `ssh://git@github.com/o/r.git`, `git@github.com:o/r.git`
 * (scp-like), `git://…`, with or without credentials, a port or a trailing slash. Returns undefined
 * for anything else (a local path, a `file://` URL, a path that is not `owner/repo`).
 */
export function parseGitHubRemote(url: string): GitHubRepoRef | undefined {
  const trimmed = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/:\s]+@)?([^/:\s]+):(?!\/)(.+)$/.exec(trimmed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp?.[1] !== undefined && scp[2] !== undefined) {
    host = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  const parts = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '').split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!NAME.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..' || host === '') return undefined;
  host = host.toLowerCase();
  // GitHub's SSH-over-443 endpoint is still github.com.
  if (host === 'ssh.github.com') host = 'github.com';
  return { host, owner, repo };
}

/** The REST API base for a host: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise. */
export function defaultApiBaseUrl(host: string): string {
  return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}

/** A URL with any user name and password removed, for messages and results. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
