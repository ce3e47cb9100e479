import type { ProcessWrap } from '../../core/containment/bwrap.js';
import { OmkError } from '../../core/errors.js';
import type { AgentSessionOptions } from '../session.js';

/** Moonshot's international endpoint (reference/protocols.md §4.1). */
export const DEFAULT_BASE_URL = 'https://api.moonshot.ai/v1';
/** Where the API key is looked up when neither `apiKey` nor `apiKeyEnv` is given, in order. */
export const DEFAULT_API_KEY_ENVS: readonly string[] = ['MOONSHOT_API_KEY', 'KIMI_API_KEY'];

/** How failed model requests (HTTP 429, 5xx, connection errors) are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. @default 3 */
  maxRetries?: number;
  /** First backoff delay; doubled each retry (with jitter) when the server gives no `Retry-After`. @default 1000 */
  baseDelayMs?: number;
  /** Upper bound on any one delay, `Retry-After` included. @default 60000 */
  maxDelayMs?: number;
  /**
   * Waits `ms` or until `signal` aborts. Tests inject an instant one to observe delays without sleeping.
   * @default a timer (kept referenced: a CLI waiting out a retry must not exit meanwhile)
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Limits of the `bash` tool. */
export interface BashToolOptions {
  /** Default and maximum run time of one command; the model may ask for less with `timeout_ms`. @default 120000 */
  timeoutMs?: number;
  /** Extra variable names (or `PREFIX*`) passed from `env` to commands, on top of the base allowlist. @default [] */
  envNames?: string[];
  /** Runs each command through a launcher (containment). */
  wrap?: ProcessWrap;
}

/** Options of the builtin (OpenAI-compatible Chat Completions) engine. */
export interface BuiltinSessionOptions extends AgentSessionOptions {
  /** The API's base URL, up to and including `/v1`. @default https://api.moonshot.ai/v1 */
  baseUrl?: string;
  /** Model id, from config (never hard-coded), e.g. `kimi-k2.6`. */
  model: string;
  /** The API key, when the caller resolved it. Never logged. */
  apiKey?: string;
  /**
   * The variable holding the API key. Looked up in `env` when `apiKey` is absent, and named in
   * authentication errors either way.
   * @default MOONSHOT_API_KEY, then KIMI_API_KEY
   */
  apiKeyEnv?: string;
  /** Environment for the key lookup and for `bash` (allowlisted). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Model calls per turn before it ends with `max_steps`. @default 50 */
  maxSteps?: number;
  /**
   * How long a model request may go without receiving a byte (before the response headers and
   * between stream chunks) before the turn ends with `timeout`.
   * @default 120000
   */
  requestTimeoutMs?: number;
  /** @default { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 60000 } */
  retry?: RetryPolicy;
  /** Offer only the read tools (`read_file`, `list_dir`, `grep`): for `omk ask` and planners. @default false */
  readOnly?: boolean;
  /** Replaces the default system prompt. */
  systemPrompt?: string;
  /** Sent as `temperature` when set. */
  temperature?: number;
  /** Sent as `max_completion_tokens` when set. */
  maxCompletionTokens?: number;
  /** Sent as Moonshot's `thinking: {type: enabled|disabled}` when set. */
  thinking?: boolean;
  /** @default { timeoutMs: 120000, envNames: [] } */
  bash?: BashToolOptions;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  baseUrl: string;
  model: string;
  apiKey: string;
  /** How the key was given, for error messages: a variable name or "the configured API key". */
  keySource: string;
  env: Readonly<Record<string, string | undefined>>;
  maxSteps: number;
  requestTimeoutMs: number;
  retry: Required<RetryPolicy>;
  readOnly: boolean;
  systemPrompt: string | undefined;
  temperature: number | undefined;
  maxCompletionTokens: number | undefined;
  thinking: boolean | undefined;
  bashTimeoutMs: number;
  bashEnvNames: string[];
  bashWrap?: ProcessWrap;
  fetch: typeof fetch;
}

/** Applies defaults and fails fast on options that cannot work. Throws `OmkError`. */
export function resolveOptions(options: BuiltinSessionOptions): ResolvedOptions {
  const env = options.env ?? process.env;
  if (typeof options.model !== 'string' || options.model.trim() === '') {
    throw new OmkError('config_invalid', `engine ${options.engine}: no model configured for the builtin engine`, {
      hint: `Set [engines.${options.engine}].model in config.toml (e.g. "kimi-k2.6").`,
    });
  }
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) {
    throw new OmkError('config_invalid', `engine ${options.engine}: base URL must start with http:// or https://, got "${baseUrl}"`);
  }
  const { apiKey, keySource } = resolveApiKey(options, env);
  return {
    baseUrl,
    model: options.model,
    apiKey,
    keySource,
    env,
    maxSteps: positive(options.maxSteps, 50),
    requestTimeoutMs: positive(options.requestTimeoutMs, 120_000),
    retry: {
      maxRetries: Math.max(0, Math.floor(options.retry?.maxRetries ?? 3)),
      baseDelayMs: Math.max(0, options.retry?.baseDelayMs ?? 1000),
      maxDelayMs: Math.max(0, options.retry?.maxDelayMs ?? 60_000),
      sleep: options.retry?.sleep ?? sleep,
    },
    readOnly: options.readOnly ?? false,
    systemPrompt: options.systemPrompt,
    temperature: options.temperature,
    maxCompletionTokens: options.maxCompletionTokens,
    thinking: options.thinking,
    bashTimeoutMs: positive(options.bash?.timeoutMs, 120_000),
    bashEnvNames: options.bash?.envNames ?? [],
    ...(options.bash?.wrap ? { bashWrap: options.bash.wrap } : {}),
    fetch: options.fetch ?? globalThis.fetch,
  };
}

function resolveApiKey(
  options: BuiltinSessionOptions,
  env: Readonly<Record<string, string | undefined>>,
): { apiKey: string; keySource: string } {
  if (options.apiKey !== undefined && options.apiKey !== '') {
    return { apiKey: options.apiKey, keySource: options.apiKeyEnv ?? 'the configured API key' };
  }
  const names = options.apiKeyEnv ? [options.apiKeyEnv] : DEFAULT_API_KEY_ENVS;
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { apiKey: value.trim(), keySource: name };
  }
  throw new OmkError('config_invalid', `engine ${options.engine}: no API key found in ${names.join(' or ')}`, {
    hint: `export ${names[0]}=<your key>, or set [engines.${options.engine}].api_key_env to the variable that holds it.`,
  });
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
