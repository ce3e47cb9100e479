import type { TokenUsage } from '../session.js';

/**
 * Normalises an OpenAI/Moonshot `usage` object (reference/protocols.md §4.4). Cached tokens may sit at
 * the top level (`cached_tokens`, Moonshot) or in `prompt_tokens_details.cached_tokens` (OpenAI);
 * `input` is the uncached part of the prompt. Returns undefined when `raw` carries no token counts.
 */
export function normaliseUsage(raw: unknown): TokenUsage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = count(raw.prompt_tokens);
  const completion = count(raw.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const promptDetails = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  const completionDetails = isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details : {};
  const cached = Math.min(count(raw.cached_tokens) ?? count(promptDetails.cached_tokens) ?? 0, prompt ?? Infinity);
  const usage: TokenUsage = {
    input: (prompt ?? 0) - cached,
    output: completion ?? 0,
    cacheRead: cached,
    cacheWrite: 0,
    exact: true,
  };
  const reasoning = count(completionDetails.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoning = reasoning;
  return usage;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
