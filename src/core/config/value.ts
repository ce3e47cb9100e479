/**
 * Values typed on a command line or in an OMK_* variable, and values written back as TOML text.
 */
import { parse } from 'smol-toml';
import { isTable } from './keys.js';
import type { FieldSpec } from './schema.js';
import { redactSecrets } from '../redact.js';

/**
 * Reads `raw` as a TOML value when it is one (numbers, booleans, arrays, quoted strings, inline
 * tables), else as the literal string. Where the schema wants a string, the text is kept as typed, so
 * `model = 1234` stays "1234" rather than becoming a type error.
 */
export function parseValueText(raw: string, spec?: FieldSpec): unknown {
  const wantsString = spec?.kind === 'string';
  const parsed = tryParseValue(raw);
  if (parsed === undefined) return raw;
  if (wantsString && typeof parsed !== 'string') return raw;
  return parsed;
}

function tryParseValue(raw: string): unknown {
  if (raw.trim() === '' || raw.includes('\n')) return undefined;
  try {
    const value = parse(`v = ${raw}`).v;
    // Dates and times are not config values; "2024-01-01" stays text.
    return value instanceof Date ? undefined : value;
  } catch {
    return undefined;
  }
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

/** A value as TOML source text (single line). JSON string escapes are valid TOML basic-string escapes. */
export function toTomlValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v: unknown) => toTomlValue(v)).join(', ')}]`;
  if (isTable(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${toTomlValue(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(String(value));
}

/** How a wrong value is named in a problem message: strings quoted, containers by kind. */
export function describeFound(value: unknown): string {
  // Problem messages are printed and logged: never echo a key back.
  return redactSecrets(describeRaw(value));
}

function describeRaw(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return `a date (${value.toISOString()})`;
  if (Array.isArray(value)) return `an array (${toTomlValue(value).slice(0, 60)})`;
  if (isTable(value)) return 'a table';
  return String(value);
}
