import type { ApprovalRequest, PreflightAnswer, ToolApprovalAnswer } from '../../app/chat/index.js';

/**
 * Inline approval questions: a tool call in `ask` mode (`y/n/always`) or the router's preflight
 * (`accept/downgrade/explain/cancel`), each with its default and the time left before it is taken.
 */
const PREFLIGHT_KEYS: Record<string, PreflightAnswer> = { a: 'accept', y: 'accept', d: 'downgrade', e: 'explain', c: 'cancel', n: 'cancel' };
const TOOL_KEYS: Record<string, ToolApprovalAnswer> = { y: 'y', n: 'n', a: 'always' };

/** The answer a key gives, or null when the key means nothing here (Enter takes the default). */
export function approvalKey(request: ApprovalRequest, input: string, enter: boolean): PreflightAnswer | ToolApprovalAnswer | null {
  if (enter) return request.default;
  const k = input.toLowerCase();
  if (request.kind === 'tool') {
    const answer = TOOL_KEYS[k];
    return answer && request.options.includes(answer) ? answer : null;
  }
  const answer = PREFLIGHT_KEYS[k];
  return answer && request.options.includes(answer) ? answer : null;
}

/** `? edit: src/a.ts — y yes · n no · a always · Enter = n (in 42s)`. */
export function approvalPrompt(request: ApprovalRequest, elapsedMs: number): string {
  const left = Math.max(0, Math.ceil((request.timeout_ms - elapsedMs) / 1000));
  const choices =
    request.kind === 'tool'
      ? request.options.map((o) => (o === 'y' ? 'y yes' : o === 'n' ? 'n no' : 'a always'))
      : request.options.map((o) => `${o[0]!} ${o}`);
  return `? ${request.question} — ${choices.join(' · ')} · Enter = ${request.default} (taken in ${left}s)`;
}
