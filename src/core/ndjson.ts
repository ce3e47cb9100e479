/**
 * Newline-delimited JSON framing: one JSON value per `\n`-terminated line (a trailing `\r` is
 * tolerated). Kept apart from processes and protocols so every transport (child stdio, in-memory,
 * replay) frames the same way.
 */

/** One decoded line: a parsed value, or the line that did not parse (kept for logs, never fatal). */
export type NdjsonItem = { ok: true; value: unknown } | { ok: false; line: string; error: string };

/** Longest line accepted before it is dropped as garbage. @default 32 MiB (the ACP SDK's limit) */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Encodes one message as a line. */
export function encodeNdjson(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Incremental decoder. Feed it decoded text chunks in order (split anywhere, even inside a line);
 * it returns the complete lines parsed so far. Blank lines are skipped.
 */
export class NdjsonDecoder {
  private buffer = '';
  private dropping = false;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  push(chunk: string): NdjsonItem[] {
    const items: NdjsonItem[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.dropping) {
        this.dropping = false;
        this.buffer = '';
        continue;
      }
      const line = this.buffer.length > 0 ? this.buffer + piece : piece;
      this.buffer = '';
      const item = decodeLine(line);
      if (item) items.push(item);
    }
    if (!this.dropping) {
      this.buffer += chunk.slice(start);
      if (this.buffer.length > this.maxLineBytes) {
        items.push({ ok: false, line: `${this.buffer.slice(0, 200)}…`, error: `line longer than ${this.maxLineBytes} bytes` });
        this.buffer = '';
        this.dropping = true;
      }
    }
    return items;
  }

  /** The stream ended: a last line without `\n` still counts. */
  end(): NdjsonItem[] {
    const rest = this.buffer;
    this.buffer = '';
    if (this.dropping) {
      this.dropping = false;
      return [];
    }
    const item = decodeLine(rest);
    return item ? [item] : [];
  }
}

function decodeLine(raw: string): NdjsonItem | undefined {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return undefined;
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch (error) {
    return { ok: false, line, error: error instanceof Error ? error.message : String(error) };
  }
}
