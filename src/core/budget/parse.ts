import { parseDuration } from '../config/duration.js';
import { OmkError, type ErrorCode } from '../errors.js';
import { formatUsd, parseUsdText } from './money.js';
import type { BudgetLimits } from './state.js';

/**
 * Parsing budget limits from flags (`--budget-time 2h`) and config. Each parser names the field in
 * its error (`field`, e.g. `--budget-tokens` or `goal.budget.tokens`) and throws `OmkError` with
 * `code` (`usage` for flags, `config_invalid` for config files).
 */
export interface LimitField {
  /** How the user wrote the field: `--budget-time`, `budget-add --usd`, `[goal] budget_time`. */
  field: string;
  /** @default 'usage' */
  code?: ErrorCode;
}

/** A positive duration (`90s`, `15m`, `2h`, `1h30m`, `1d`, or a number of seconds), in milliseconds. */
export function parseTimeLimit(value: unknown, at: LimitField): number {
  const ms = parseDuration(value);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms <= 0) {
    throw invalid(at, 'a positive duration like 90s, 15m, 2h or 1h30m', value);
  }
  return ms;
}

const TOKENS = /^(\d+(?:\.\d+)?)([kKmM])?$/;

/** A positive whole number of tokens: `200000`, `200_000`, `500k`, `2M`, `1.5M`. */
export function parseTokenLimit(value: unknown, at: LimitField): number {
  const expected = 'a positive whole number of tokens like 200000, 500k or 2M';
  let tokens: number | undefined;
  if (typeof value === 'number') tokens = value;
  else if (typeof value === 'string') {
    const match = TOKENS.exec(value.trim().replaceAll('_', ''));
    if (match) {
      const [, digits, suffix] = match;
      const scale = suffix === undefined ? 1 : suffix.toLowerCase() === 'k' ? 1_000 : 1_000_000;
      tokens = scaleDecimal(digits!, scale);
    }
  }
  if (tokens === undefined || !Number.isSafeInteger(tokens) || tokens <= 0) throw invalid(at, expected, value);
  return tokens;
}

/** A non-negative USD amount (`5`, `0.25`, `$12.50`), in micro-dollars, kept exactly (at most 6 decimals). */
export function parseUsdLimit(value: unknown, at: LimitField): number {
  const expected = 'a non-negative amount of US dollars like 5, 0.25 or 12.50 (at most 6 decimals)';
  let micros: number | undefined;
  if (typeof value === 'string') micros = parseUsdText(value);
  // A number from TOML/JSON: go through its shortest decimal text, so 0.1 is exactly 100000 µ$.
  else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) micros = parseUsdText(plainDecimal(value));
  if (micros === undefined) throw invalid(at, expected, value);
  return micros;
}

/** Raw limit inputs as written; absent or null members have no limit. */
export interface LimitInputs {
  time?: unknown;
  tokens?: unknown;
  usd?: unknown;
}

/**
 * Parses all three limits. `names` says how each was written, for error messages.
 * @default names: `--budget-time`, `--budget-tokens`, `--budget-usd`
 */
export function parseBudgetLimits(
  input: LimitInputs,
  names: { time: string; tokens: string; usd: string } = { time: '--budget-time', tokens: '--budget-tokens', usd: '--budget-usd' },
  code: ErrorCode = 'usage',
): BudgetLimits {
  return {
    time_ms: input.time === undefined || input.time === null ? null : parseTimeLimit(input.time, { field: names.time, code }),
    tokens: input.tokens === undefined || input.tokens === null ? null : parseTokenLimit(input.tokens, { field: names.tokens, code }),
    usd_micros: input.usd === undefined || input.usd === null ? null : parseUsdLimit(input.usd, { field: names.usd, code }),
  };
}

/** Limits as text for messages: `time 2h, tokens 2000000, usd $5.00` (unlimited members are left out). */
export function describeLimits(limits: BudgetLimits): string {
  const parts: string[] = [];
  if (limits.time_ms !== null) parts.push(`time ${formatDurationMs(limits.time_ms)}`);
  if (limits.tokens !== null) parts.push(`tokens ${limits.tokens}`);
  if (limits.usd_micros !== null) parts.push(`usd ${formatUsd(limits.usd_micros)}`);
  return parts.length === 0 ? 'no limits' : parts.join(', ');
}

/** `5400000` → `1h30m`, `1500` → `1.5s`: the largest exact units, down to milliseconds. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000);
  const millis = ms % 1000;
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || millis > 0) parts.push(millis > 0 ? `${rest}.${String(millis).padStart(3, '0').replace(/0+$/, '')}s` : `${rest}s`);
  return parts.join('');
}

function invalid(at: LimitField, expected: string, found: unknown): OmkError {
  return new OmkError(at.code ?? 'usage', `${at.field}: expected ${expected}, got ${show(found)}`, {
    hint: `Fix ${at.field}; for example 2h, 500k or 5.00.`,
  });
}

function show(found: unknown): string {
  if (typeof found === 'string') return JSON.stringify(found);
  if (typeof found === 'number' || typeof found === 'boolean' || typeof found === 'bigint') return String(found);
  if (found === undefined) return 'nothing';
  if (found === null) return 'null';
  return `a ${Array.isArray(found) ? 'list' : typeof found}`;
}

/** `digits` (a decimal like `1.5`) × `scale`, exactly, or undefined when the result is not whole. */
function scaleDecimal(digits: string, scale: number): number | undefined {
  const [whole = '0', frac = ''] = digits.split('.');
  const zeros = Math.round(Math.log10(scale));
  if (frac.length > zeros) {
    if (/[1-9]/.test(frac.slice(zeros))) return undefined;
  }
  const fracScaled = frac.slice(0, zeros).padEnd(zeros, '0');
  return Number(whole) * scale + (zeros === 0 ? 0 : Number(fracScaled));
}

/** A finite non-negative number's decimal text without exponent (1e-7 → "0.0000001"). */
function plainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}
