import { describeError } from '../../core/errors.js';
import { desktopCommand, desktopText, renderBody, urlOrigin, type Notification, type NotifyTarget } from '../../core/notify/index.js';
import { redactSecrets } from '../../core/redact.js';
import { runProcess, whichSync } from '../process/index.js';

/** One attempt's outcome. `retryable`: the same attempt later may succeed (network, timeout, HTTP 429/5xx). */
export type SendOutcome = { ok: true; detail: string } | { ok: false; error: string; retryable: boolean };

export interface SendOptions {
  timeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  /** @default process.platform */
  platform?: string;
  signal?: AbortSignal;
}

/** What a desktop notifier needs from omk's environment to reach the user's session bus or display. */
const DESKTOP_ENV = ['PATH', 'HOME', 'USER', 'DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'LANG', 'LC_ALL'];

/** Sends one notification to one target, once. Never throws: every failure is an outcome with a message safe to record. */
export async function sendOnce(target: NotifyTarget, n: Notification, opts: SendOptions): Promise<SendOutcome> {
  if (target.problem) return { ok: false, error: target.problem, retryable: false };
  if (target.kind === 'desktop') return sendDesktop(n, opts);
  if (target.url === null) return { ok: false, error: `notify.targets.${target.name} has no URL`, retryable: false };
  return sendHttp(target.url, renderBody(target.kind, n), opts);
}

async function sendHttp(url: string, body: ReturnType<typeof renderBody>, opts: SendOptions): Promise<SendOutcome> {
  const where = urlOrigin(url);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': body.contentType, 'user-agent': 'omk-notify' }, body: body.body, signal, redirect: 'error' });
    // Read (and drop) the answer so the connection is released; its text is kept only for the message.
    const text = (await res.text()).slice(0, 200);
    if (res.ok) return { ok: true, detail: `HTTP ${res.status} from ${where}` };
    const retryable = res.status === 429 || res.status >= 500;
    return { ok: false, error: clean(`HTTP ${res.status} from ${where}${text.trim() ? `: ${text.trim()}` : ''}`, url), retryable };
  } catch (error) {
    if (timeout.aborted) return { ok: false, error: `no answer from ${where} within ${opts.timeoutMs} ms`, retryable: true };
    if (opts.signal?.aborted) return { ok: false, error: `cancelled before ${where} answered`, retryable: false };
    return { ok: false, error: clean(`${where}: ${networkReason(error)}`, url), retryable: true };
  }
}

/** fetch's "fetch failed" says nothing; the cause (ECONNREFUSED, ENOTFOUND, a TLS error) does. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') {
    if (cause.code === 'ECONNREFUSED') return 'connection refused';
    if (cause.code === 'ENOTFOUND') return 'host not found';
    return typeof cause.message === 'string' ? `${cause.code}: ${cause.message}` : cause.code;
  }
  return describeError(error);
}

/** A message safe to record: without the URL (its path may be the secret) and redacted. */
function clean(message: string, url: string): string {
  return redactSecrets(message.split(url).join(urlOrigin(url)));
}

async function sendDesktop(n: Notification, opts: SendOptions): Promise<SendOutcome> {
  const platform = opts.platform ?? process.platform;
  const invocation = desktopCommand(platform, desktopText(n));
  if (!invocation) return { ok: false, error: `desktop notifications are not supported on ${platform}`, retryable: false };
  const binary = whichSync(invocation.command, opts.env);
  if (!binary) {
    const how = invocation.command === 'notify-send' ? ' (install libnotify-bin, or remove the desktop target)' : '';
    return { ok: false, error: `${invocation.command} was not found on PATH${how}`, retryable: false };
  }
  const env = Object.fromEntries(DESKTOP_ENV.map((k) => [k, opts.env[k]]));
  const result = await runProcess({ command: binary, args: invocation.args, env, timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}), maxOutputBytes: 4096 });
  if (result.exitCode === 0) return { ok: true, detail: invocation.command };
  if (result.timedOut) return { ok: false, error: `${invocation.command} did not finish within ${opts.timeoutMs} ms`, retryable: true };
  const said = result.stderr.trim().split('\n')[0] ?? '';
  const why = result.spawnError ? result.spawnError.message : `exit ${result.exitCode ?? result.signal ?? '?'}${said ? `: ${said}` : ''}`;
  // No notification daemon or session bus does not pass by retrying in a few seconds.
  return { ok: false, error: redactSecrets(`${invocation.command} failed (${why})`), retryable: false };
}
