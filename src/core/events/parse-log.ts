import { asEnvelope, type EventEnvelope } from './envelope.js';

/** One physical line of an events.jsonl file. `line` is 1-based. */
export type ParsedLine =
  | { line: number; ok: true; envelope: EventEnvelope; torn: boolean }
  | { line: number; ok: false; error: string; raw: string; torn: boolean };

export interface ParseStats {
  /** Non-empty lines seen. */
  lines: number;
  /** Lines that are not JSON or not envelope-shaped (the torn last line included). */
  parse_failures: number;
  /** Lines repeating an earlier line's seq and hash. */
  duplicates: number;
  /** The file does not end with a newline: the last write was interrupted. */
  torn_tail: boolean;
}

export interface ParsedLog {
  lines: ParsedLine[];
  /** Well-formed envelopes in file order, duplicates dropped. Hashes are not checked here. */
  events: EventEnvelope[];
  stats: ParseStats;
}

/**
 * Splits and parses the text of an events.jsonl file without ever throwing: a torn
 * last line, garbage and duplicated lines are counted, not fatal (readers must survive
 * a crash mid-write).
 */
export function parseEventLog(text: string): ParsedLog {
  const torn = text.length > 0 && !text.endsWith('\n');
  const raws = text.split('\n');
  if (!torn) raws.pop(); // the empty string after the final newline
  const lines: ParsedLine[] = [];
  const events: EventEnvelope[] = [];
  const seen = new Set<string>();
  const stats: ParseStats = { lines: 0, parse_failures: 0, duplicates: 0, torn_tail: torn };
  raws.forEach((raw, index) => {
    if (raw.trim() === '') return;
    stats.lines += 1;
    const isTorn = torn && index === raws.length - 1;
    const parsed = parseLine(raw);
    if (typeof parsed === 'string') {
      stats.parse_failures += 1;
      lines.push({ line: index + 1, ok: false, error: parsed, raw, torn: isTorn });
      return;
    }
    lines.push({ line: index + 1, ok: true, envelope: parsed, torn: isTorn });
    const key = `${parsed.seq}:${parsed.hash}`;
    if (seen.has(key)) {
      stats.duplicates += 1;
      return;
    }
    seen.add(key);
    events.push(parsed);
  });
  return { lines, events, stats };
}

function parseLine(raw: string): EventEnvelope | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  return asEnvelope(value);
}
