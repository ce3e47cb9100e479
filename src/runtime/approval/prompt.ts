import { ASK_OUTCOME } from '../../core/approval/rule-ids.js';
import { summarizeRequest } from '../../core/approval/summary.js';
import type { ApprovalDecision, ApprovalRequest } from '../../core/approval/types.js';

/**
 * The `ask` prompt: one question on the terminal, answered with a line. It fails closed: without a
 * TTY, after the deadline (unless the caller chose allow as the default), on end of input or on
 * cancellation, the answer is deny.
 */

export interface PromptApprovalOptions {
  request: ApprovalRequest;
  /** The `ask` decision being settled; its reason is shown. */
  decision: ApprovalDecision;
  input: NodeJS.ReadableStream;
  /** Where the question goes; stderr in the CLI, because stdout belongs to the command's output. */
  output: NodeJS.WritableStream;
  /** Whether a human is at `input`. Without one the prompt is not shown and the answer is deny. */
  isTTY: boolean;
  /** How long to wait for an answer. @default 300_000 */
  timeoutMs?: number;
  /** The answer on timeout or an empty line. @default 'deny' */
  defaultDecision?: 'allow' | 'deny';
  signal?: AbortSignal;
}

export interface PromptOutcome {
  decision: 'allow' | 'deny';
  /** One of ASK_OUTCOME. */
  rule: string;
  reason: string;
  timedOut: boolean;
}

export const DEFAULT_PROMPT_TIMEOUT_MS = 300_000;

export function promptApproval(options: PromptApprovalOptions): Promise<PromptOutcome> {
  const { input, output, request, decision } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROMPT_TIMEOUT_MS;
  const fallback = options.defaultDecision ?? 'deny';

  if (!options.isTTY) {
    return Promise.resolve({
      decision: 'deny',
      rule: ASK_OUTCOME.noTty,
      reason: `No TTY to ask a human on, so the call is denied (${decision.reason})`,
      timedOut: false,
    });
  }
  if (options.signal?.aborted === true) {
    return Promise.resolve({ decision: 'deny', rule: ASK_OUTCOME.cancelled, reason: 'Cancelled before a human answered.', timedOut: false });
  }

  return new Promise<PromptOutcome>((resolve) => {
    let buffer = '';
    let settled = false;

    const finish = (outcome: PromptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('close', onEnd);
      options.signal?.removeEventListener('abort', onAbort);
      // Listening put the stream in flowing mode; pause it so later readers start from a clean state.
      input.pause();
      resolve(outcome);
    };

    const onData = (chunk: Buffer | string): void => {
      buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      const newline = buffer.search(/\r?\n/);
      if (newline === -1) return;
      const answer = buffer.slice(0, newline).trim().toLowerCase();
      if (answer === '') {
        finish({ decision: fallback, rule: fallback === 'allow' ? ASK_OUTCOME.allowed : ASK_OUTCOME.denied, reason: `The human accepted the default (${fallback}).`, timedOut: false });
      } else if (answer === 'y' || answer === 'yes') {
        finish({ decision: 'allow', rule: ASK_OUTCOME.allowed, reason: 'A human allowed it.', timedOut: false });
      } else {
        const said = answer === 'n' || answer === 'no' ? 'A human denied it.' : `A human answered "${answer}", which is not yes.`;
        finish({ decision: 'deny', rule: ASK_OUTCOME.denied, reason: said, timedOut: false });
      }
    };
    const onEnd = (): void => {
      finish({ decision: 'deny', rule: ASK_OUTCOME.denied, reason: 'Input closed before a human answered.', timedOut: false });
    };
    const onAbort = (): void => {
      finish({ decision: 'deny', rule: ASK_OUTCOME.cancelled, reason: 'Cancelled before a human answered.', timedOut: false });
    };
    const timer = setTimeout(() => {
      output.write(`\n(no answer in ${formatSeconds(timeoutMs)}: ${fallback})\n`);
      finish({
        decision: fallback,
        rule: ASK_OUTCOME.timedOut,
        reason: `No answer within ${formatSeconds(timeoutMs)}; the default is ${fallback}.`,
        timedOut: true,
      });
    }, timeoutMs);

    input.on('data', onData);
    input.on('end', onEnd);
    input.on('close', onEnd);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const choices = fallback === 'allow' ? '[Y/n]' : '[y/N]';
    output.write(
      `\nomk: the agent asks to ${request.kind}: ${summarizeRequest(request)}\n` +
        `     ${decision.reason}\n` +
        `Allow? ${choices} (${fallback} in ${formatSeconds(timeoutMs)}) `,
    );
    input.resume();
  });
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`;
}
