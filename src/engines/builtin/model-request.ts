import { describeError } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';
import type { AgentEvent, TurnError } from '../session.js';
import { httpFailure } from './http-errors.js';
import type { ResolvedOptions } from './options.js';
import { SseDecoder } from './sse.js';
import { type AssembledStep, StepAssembler } from './stream-assembler.js';

/** How one model call (with its retries) ended. */
export type StepOutcome =
  | { kind: 'ok'; step: AssembledStep }
  | { kind: 'cancelled' }
  | { kind: 'failed'; stopReason: 'error' | 'timeout'; error: TurnError };

type AttemptOutcome = StepOutcome | { kind: 'retry'; error: TurnError; retryAfterMs: number | undefined };

export interface StepRequest {
  options: ResolvedOptions;
  engine: string;
  /** The request body (already has `stream: true`). */
  body: Record<string, unknown>;
  /** 1-based step number, for fallback ids. */
  stepNumber: number;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
}

/**
 * One model call: POST, stream the SSE reply through a `StepAssembler`, retry what is worth
 * retrying. Never throws. Retried: HTTP 429 and 5xx (honouring `Retry-After`, capped), connection
 * failures, and a stream cut off before it produced any event. Not retried: other 4xx, a request
 * that went `requestTimeoutMs` without a byte (`timeout`), and a stream cut off after output was
 * shown (retrying would duplicate it).
 */
export async function requestStep(request: StepRequest): Promise<StepOutcome> {
  const { retry } = request.options;
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await attemptOnce(request);
    if (outcome.kind !== 'retry') return outcome;
    if (attempt >= retry.maxRetries) {
      const suffix = retry.maxRetries > 0 ? ` (gave up after ${retry.maxRetries} ${retry.maxRetries === 1 ? 'retry' : 'retries'})` : '';
      return { kind: 'failed', stopReason: 'error', error: { ...outcome.error, message: outcome.error.message + suffix } };
    }
    const backoff = retry.baseDelayMs * 2 ** attempt * (0.8 + Math.random() * 0.4);
    const delay = Math.round(Math.min(retry.maxDelayMs, outcome.retryAfterMs ?? backoff));
    request.emit({
      type: 'notice',
      level: 'warn',
      text: scrub(`${outcome.error.message}; retrying in ${(delay / 1000).toFixed(1)} s (retry ${attempt + 1} of ${retry.maxRetries})`, request.options.apiKey),
    });
    await retry.sleep(delay, request.signal);
    if (request.signal.aborted) return { kind: 'cancelled' };
  }
}

async function attemptOnce(request: StepRequest): Promise<AttemptOutcome> {
  const { options, signal } = request;
  if (signal.aborted) return { kind: 'cancelled' };
  const url = `${options.baseUrl}/chat/completions`;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('request timeout'));
    }, options.requestTimeoutMs);
    timer.unref();
  };
  const timeout = (): AttemptOutcome => ({
    kind: 'failed',
    stopReason: 'timeout',
    error: { code: 'timeout', message: `no data from ${url} for ${options.requestTimeoutMs} ms; gave up on the request`, retryable: true },
  });
  const assembler = new StepAssembler(request.emit, request.stepNumber);
  try {
    arm();
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: JSON.stringify(request.body),
        signal: controller.signal,
      });
    } catch (error) {
      if (signal.aborted) return { kind: 'cancelled' };
      if (timedOut) return timeout();
      return {
        kind: 'retry',
        error: { code: 'network_error', message: scrub(`could not reach ${url}: ${causeOf(error)}`, options.apiKey), retryable: true },
        retryAfterMs: undefined,
      };
    }
    if (!response.ok) {
      arm();
      const text = await response.text().catch(() => '');
      if (signal.aborted) return { kind: 'cancelled' };
      if (timedOut) return timeout();
      const failure = httpFailure(response.status, text, response.headers, { url, keySource: options.keySource, engine: request.engine });
      const error = { ...failure.error, message: scrub(failure.error.message, options.apiKey) };
      if (failure.retry) return { kind: 'retry', error, retryAfterMs: failure.retryAfterMs };
      return { kind: 'failed', stopReason: 'error', error };
    }
    if (response.body === null) {
      return { kind: 'retry', error: { code: 'stream_interrupted', message: `${url} sent an empty body`, retryable: true }, retryAfterMs: undefined };
    }
    const decoder = new SseDecoder();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let done = false;
    try {
      while (!done) {
        arm();
        const read = await reader.read();
        const payloads = read.done ? decoder.end() : decoder.push(read.value);
        for (const data of payloads) {
          if (data.trim() === '[DONE]') {
            done = true;
            break;
          }
          assembler.acceptData(data);
        }
        if (read.done) break;
      }
    } finally {
      if (done) await reader.cancel().catch(() => undefined);
    }
    const step = assembler.result();
    if (step.streamError !== undefined) {
      return {
        kind: 'failed',
        stopReason: 'error',
        error: { code: 'agent_error', message: scrub(`${url} reported an error mid-stream: ${step.streamError}`, options.apiKey) },
      };
    }
    if (!done && step.finishReason === undefined) throw new Error('the stream ended before the reply was complete');
    return { kind: 'ok', step };
  } catch (error) {
    if (signal.aborted) return { kind: 'cancelled' };
    if (timedOut) return timeout();
    const message = scrub(`the connection to ${url} broke mid-reply: ${causeOf(error)}`, options.apiKey);
    if (assembler.emitted === 0) return { kind: 'retry', error: { code: 'stream_interrupted', message, retryable: true }, retryAfterMs: undefined };
    return { kind: 'failed', stopReason: 'error', error: { code: 'stream_interrupted', message: `${message} (partial reply discarded)`, retryable: true } };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
}

/** undici wraps the real reason (ECONNREFUSED, "other side closed") in `cause`. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const inner = cause === undefined ? '' : ` (${code ?? describeError(cause)})`;
  return `${describeError(error)}${inner}`;
}

/** Redacts secret shapes and the session's own key, whatever its shape. */
export function scrub(text: string, apiKey: string): string {
  const redacted = redactSecrets(text);
  return apiKey.length >= 4 ? redacted.split(apiKey).join('[REDACTED]') : redacted;
}
