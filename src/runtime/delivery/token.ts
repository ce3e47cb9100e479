import { OmkError } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';
import { allowlistEnv, runProcess, whichSync } from '../process/index.js';

/** Where a GitHub token came from. The token itself is never logged, written or put in an argv. */
export type TokenSource = 'GITHUB_TOKEN' | 'GH_TOKEN' | 'gh';

export interface GitHubToken {
  token: string;
  source: TokenSource;
}

export interface TokenLookupOptions {
  /** The caller's environment (CliContext.env); also the PATH `gh` is looked up on. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where `gh` runs. @default the process's cwd */
  cwd?: string;
  /** The GitHub host; `gh auth token --hostname HOST` for anything but github.com. @default 'github.com' */
  host?: string;
  /** For `gh auth token`. @default 10000 */
  timeoutMs?: number;
}

export const GH_TOKEN_TIMEOUT_MS = 10_000;

/**
 * Finds a GitHub token: `GITHUB_TOKEN`, then `GH_TOKEN`, then `gh auth token` when `gh` is on PATH
 * (run through runProcess with a short timeout and only gh's own variables). Otherwise a `blocked`
 * error naming both ways to provide one.
 */
export async function resolveGitHubToken(options: TokenLookupOptions): Promise<GitHubToken> {
  const { env } = options;
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return { token: value, source: name };
  }
  const host = options.host ?? 'github.com';
  const why = await tokenFromGh(options, host);
  if (typeof why !== 'string') return why;
  throw new OmkError('blocked', `no GitHub token for ${host}: GITHUB_TOKEN is not set and ${why}`, {
    hint:
      'set GITHUB_TOKEN to a token with contents:write and pull-requests:write on the repository, ' +
      'or log in with `gh auth login` (omk then uses `gh auth token`)',
  });
}

/** The token from `gh auth token`, or why there is none. */
async function tokenFromGh(options: TokenLookupOptions, host: string): Promise<GitHubToken | string> {
  const cwd = options.cwd ?? process.cwd();
  if (whichSync('gh', options.env, cwd) === undefined) return '`gh` is not on PATH';
  const result = await runProcess({
    command: 'gh',
    args: ['auth', 'token', ...(host === 'github.com' ? [] : ['--hostname', host])],
    cwd,
    // gh finds its login through its config dir; nothing else of ours reaches it.
    env: allowlistEnv(options.env, ['GH_*', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_DATA_HOME', 'APPDATA']),
    timeoutMs: options.timeoutMs ?? GH_TOKEN_TIMEOUT_MS,
    maxOutputBytes: 64 * 1024,
  });
  if (result.spawnError) return `\`gh auth token\` could not start (${result.spawnError.message})`;
  if (result.timedOut) return `\`gh auth token\` did not answer within ${options.timeoutMs ?? GH_TOKEN_TIMEOUT_MS} ms`;
  const token = result.stdout.trim();
  if (result.exitCode !== 0) {
    const said = redactSecrets(result.stderr.trim().split('\n').at(-1) ?? '');
    return `\`gh auth token\` failed (exit ${result.exitCode ?? 'none'}${said ? `: ${said}` : ''})`;
  }
  if (token === '' || /\s/.test(token)) return '`gh auth token` printed no token';
  return { token, source: 'gh' };
}
