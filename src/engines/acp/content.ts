import type { PromptInput, TokenUsage } from '../session.js';

/** A prompt as ACP content blocks. */
export function toContentBlocks(input: PromptInput): Array<Record<string, unknown>> {
  if (typeof input === 'string') return [{ type: 'text', text: input }];
  return input.map((part) => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return { type: 'image', data: part.data, mimeType: part.mimeType, ...(part.uri ? { uri: part.uri } : {}) };
      case 'resource':
        return {
          type: 'resource',
          resource: { uri: part.uri, ...(part.text !== undefined ? { text: part.text } : {}), ...(part.mimeType ? { mimeType: part.mimeType } : {}) },
        };
      case 'resource_link':
        return { type: 'resource_link', uri: part.uri, name: part.name, ...(part.mimeType ? { mimeType: part.mimeType } : {}) };
    }
  });
}

/** Characters of text in a prompt (for estimates). */
export function promptChars(input: PromptInput): number {
  if (typeof input === 'string') return input.length;
  return input.reduce((n, p) => n + (p.type === 'text' ? p.text.length : p.type === 'resource' ? (p.text?.length ?? 0) : 0), 0);
}

/** Rough characters-per-token ratio for estimates. */
export const CHARS_PER_TOKEN = 4;

/**
 * Estimated usage of one ACP turn when the agent reports only the context size: output from the
 * characters it streamed; input as the context at turn start plus the prompt, re-sent once per model
 * step (1 + tool calls). Always `exact: false`.
 */
export function estimateTurnUsage(args: { contextBefore: number; promptChars: number; outputChars: number; toolCalls: number }): TokenUsage {
  const prompt = Math.ceil(args.promptChars / CHARS_PER_TOKEN);
  const steps = 1 + args.toolCalls;
  return {
    input: steps * (args.contextBefore + prompt),
    output: Math.ceil(args.outputChars / CHARS_PER_TOKEN),
    cacheRead: 0,
    cacheWrite: 0,
    exact: false,
  };
}

/** ACP's unstable `PromptResponse.usage`, when an agent sends it. */
export function usageFromPromptResponse(value: unknown): TokenUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const u = value as Record<string, unknown>;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  if (typeof u.inputTokens !== 'number' || typeof u.outputTokens !== 'number') return undefined;
  const cacheRead = n(u.cachedReadTokens);
  const cacheWrite = n(u.cachedWriteTokens);
  const usage: TokenUsage = {
    input: Math.max(0, n(u.inputTokens) - cacheRead - cacheWrite),
    output: n(u.outputTokens),
    cacheRead,
    cacheWrite,
    exact: true,
  };
  if (typeof u.thoughtTokens === 'number') usage.reasoning = u.thoughtTokens;
  return usage;
}

/**
 * Gemini CLI's token counts on the prompt response, `_meta.quota.token_count {input_tokens, output_tokens}`
 * (its own extension; summed over the turn's model calls). Exact as far as it goes: input includes cached
 * tokens (no split is given) and output leaves out thinking tokens.
 */
export function usageFromQuotaMeta(meta: unknown): TokenUsage | undefined {
  const quota = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).quota : undefined;
  const count = typeof quota === 'object' && quota !== null ? (quota as Record<string, unknown>).token_count : undefined;
  if (typeof count !== 'object' || count === null) return undefined;
  const { input_tokens: input, output_tokens: output } = count as Record<string, unknown>;
  if (!isCount(input) || !isCount(output)) return undefined;
  return { input, output, cacheRead: 0, cacheWrite: 0, exact: true };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
