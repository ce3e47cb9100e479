import type { TurnTokens } from './ledger.js';

export interface UsageLineInput {
  engine: string;
  model: string | undefined;
  usage: TurnTokens;
  costUsd: number;
  /** False when the engine has no pricing: the cost is then unknown rather than $0. */
  priced: boolean;
}

/**
 * One human line for stderr, e.g.
 * `usage: 1,234 in (1,000 cached) + 56 out tokens, estimated; $0.0012 (builtin, kimi-k2.6)`.
 */
export function formatUsageLine(input: UsageLineInput): string {
  const u = input.usage;
  const tokensIn = u.input + u.cacheRead + u.cacheWrite;
  const cached = u.cacheRead > 0 ? ` (${count(u.cacheRead)} cached)` : '';
  const accuracy = u.exact ? 'exact' : 'estimated';
  const cost = input.priced ? formatUsd(input.costUsd) : `cost unknown (no pricing: set [engines.${input.engine}].pricing)`;
  const who = input.model ? `${input.engine}, ${input.model}` : input.engine;
  return `usage: ${count(tokensIn)} in${cached} + ${count(u.output)} out tokens, ${accuracy}; ${cost} (${who})`;
}

/** `$0.0012`, `$1.23`: four decimals below a dollar, two above. */
export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
