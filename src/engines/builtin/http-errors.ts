import { redactSecrets } from '../../core/redact.js';
import type { TurnError } from '../session.js';
import { isRecord } from './usage.js';

/** What to do about a non-2xx answer. */
export interface HttpFailure {
  error: TurnError;
  /** Worth another attempt (429, 5xx). */
  retry: boolean;
  /** From `Retry-After`, when the server sent one. */
  retryAfterMs: number | undefined;
}

/** Maps an HTTP error answer to a turn error with a message a human can act on. Secrets are redacted. */
export function httpFailure(
  status: number,
  body: string,
  headers: Headers,
  where: { url: string; keySource: string; engine: string },
): HttpFailure {
  const detail = serverMessage(body);
  const said = detail ? `: ${detail}` : '';
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (status === 401 || status === 403) {
    const keyHelp = /^[A-Z_][A-Z0-9_]*$/.test(where.keySource)
      ? `Check the key in ${where.keySource}: export ${where.keySource}=<your key> (or point [engines.${where.engine}].api_key_env at the variable that holds it).`
      : `Check ${where.keySource} ([engines.${where.engine}].api_key_env names the variable that holds it).`;
    return {
      error: clean({ code: 'auth_required', message: `${where.url} rejected the API key (HTTP ${status}${said}). ${keyHelp}`, protocolCode: status }),
      retry: false,
      retryAfterMs,
    };
  }
  if (status === 429) {
    return { error: clean({ code: 'rate_limited', message: `rate limited by ${where.url} (HTTP 429${said})`, retryable: true, protocolCode: status }), retry: true, retryAfterMs };
  }
  if (status >= 500) {
    return { error: clean({ code: 'server_error', message: `${where.url} failed (HTTP ${status}${said})`, retryable: true, protocolCode: status }), retry: true, retryAfterMs };
  }
  return {
    error: clean({ code: 'bad_request', message: `${where.url} refused the request (HTTP ${status}${said})`, protocolCode: status }),
    retry: false,
    retryAfterMs,
  };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function serverMessage(body: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === 'string') text = parsed.error.message;
    else if (isRecord(parsed) && typeof parsed.message === 'string') text = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Redacts a turn error's message. */
export function clean(error: TurnError): TurnError {
  return { ...error, message: redactSecrets(error.message) };
}
