/**
 * How a token reaches `git push` without touching disk, argv or logs: an `http.<origin>/.extraHeader`
 * given to that one git child through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`
 * (git ≥ 2.31). The header is scoped to the remote's origin, so a redirect elsewhere does not get it.
 */

/** Variables that would make git print HTTP headers (the token) to stderr. */
const TRACE_VARIABLES = ['GIT_TRACE_CURL', 'GIT_CURL_VERBOSE', 'GIT_TRACE_CURL_NO_DATA', 'GIT_TRACE_REDACT', 'GIT_TRACE_PACKET'];

export interface PushAuth {
  /** The caller's env minus the trace variables (when a token is used). Give this to GitContext.env. */
  env: Readonly<Record<string, string | undefined>>;
  /** Added to git's environment for the one command. Empty when no token is sent. */
  extraEnv: Record<string, string>;
  /** Strings that must not appear in anything shown (the token and its header form). */
  secrets: string[];
}

/**
 * The environment for a git command that talks to `url`. A token is sent only over https, or plain
 * http to a loopback host (tests, local mirrors); never to ssh, file or other remotes.
 */
export function pushAuth(url: string, token: string | undefined, env: Readonly<Record<string, string | undefined>>): PushAuth {
  const origin = token ? tokenOrigin(url) : undefined;
  if (token === undefined || origin === undefined) return { env, extraEnv: {}, secrets: token ? [token] : [] };
  const clean: Record<string, string | undefined> = { ...env };
  for (const name of TRACE_VARIABLES) delete clean[name];
  const start = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  const n = Number.isInteger(start) && start >= 0 ? start : 0;
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  const key = `http.${origin}/.extraheader`;
  return {
    env: clean,
    extraEnv: {
      GIT_CONFIG_COUNT: String(n + 2),
      // An empty value first clears headers set for this origin elsewhere (e.g. actions/checkout's),
      // so GitHub does not receive two Authorization headers.
      [`GIT_CONFIG_KEY_${n}`]: key,
      [`GIT_CONFIG_VALUE_${n}`]: '',
      [`GIT_CONFIG_KEY_${n + 1}`]: key,
      [`GIT_CONFIG_VALUE_${n + 1}`]: `Authorization: Basic ${basic}`,
    },
    secrets: [token, basic],
  };
}

/** `https://host[:port]` for a URL a token may be sent to, else undefined. */
export function tokenOrigin(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)) return parsed.origin;
  return undefined;
}

/** Replaces every secret in `text` with `[REDACTED]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}
