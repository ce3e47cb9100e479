import { parseDuration } from '../config/duration.js';
import { NOTIFY_TRIGGERS, type NotifyConfig, type NotifyKind, type NotifyTrigger } from '../config/types.js';

/** One configured target, ready to send to. `problem` says why it cannot be (its URL variable is unset). */
export interface NotifyTarget {
  name: string;
  kind: NotifyKind;
  /** The webhook URL (a secret for Slack and Discord: never logged or recorded; `urlOrigin` is). */
  url: string | null;
  on: ReadonlySet<NotifyTrigger>;
  problem: string | null;
}

export interface NotifySettings {
  targets: NotifyTarget[];
  approvalWaitMs: number;
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
}

export const NOTIFY_DEFAULTS = { approvalWaitMs: 5 * 60_000, timeoutMs: 10_000, retries: 3, retryBackoffMs: 2000 } as const;

const asList = (v: NotifyTrigger | NotifyTrigger[] | undefined): NotifyTrigger[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** `[notify]` (validated) with its defaults and each target's URL taken from `env` where it says `url_env`. */
export function notifySettings(config: NotifyConfig | undefined, env: Readonly<Record<string, string | undefined>>): NotifySettings {
  const c = config ?? {};
  const defaultOn = asList(c.on) ?? [...NOTIFY_TRIGGERS];
  const targets = Object.entries(c.targets ?? {}).map(([name, t]): NotifyTarget => {
    const fromEnv = t.url_env === undefined ? undefined : env[t.url_env];
    const url = t.kind === 'desktop' ? null : (t.url ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : null));
    const problem =
      t.kind !== 'desktop' && url === null
        ? `the environment variable ${t.url_env ?? '(url_env)'} named by notify.targets.${name}.url_env is not set`
        : url !== null && !/^https?:\/\/[^\s/]+/.test(url)
          ? `notify.targets.${name}: the URL from ${t.url_env ?? 'url'} is not an http(s) URL`
          : null;
    return { name, kind: t.kind, url, on: new Set(asList(t.on) ?? defaultOn), problem };
  });
  return {
    targets,
    approvalWaitMs: parseDuration(c.approval_wait) ?? NOTIFY_DEFAULTS.approvalWaitMs,
    timeoutMs: parseDuration(c.timeout) ?? NOTIFY_DEFAULTS.timeoutMs,
    retries: c.retries ?? NOTIFY_DEFAULTS.retries,
    retryBackoffMs: parseDuration(c.retry_backoff) ?? NOTIFY_DEFAULTS.retryBackoffMs,
  };
}

/** The wait before retry number `retry` (1-based): the backoff doubled each time, at most five minutes. */
export function retryDelayMs(retry: number, backoffMs: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, retry - 1), 5 * 60_000);
}

/** `https://hooks.slack.com` for a URL: what events and messages may say about where a webhook is (its path is often the secret). */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable URL)';
  }
}
