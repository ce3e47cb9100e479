import { readFileSync } from 'node:fs';

/**
 * Transcript format (JSONL, one record per line, written by RecordingTransport, read by
 * ReplayTransport). The first line is the header; `t` is milliseconds since the transcript started.
 * Message bodies are redacted (core/redact) before they are written.
 */
export type TranscriptRecord =
  | { type: 'header'; version: 1; startedAt: string; meta?: Record<string, unknown> }
  /** `out`: we sent it to the agent; `in`: the agent sent it to us. */
  | { type: 'message'; t: number; dir: 'out' | 'in'; message: unknown }
  /** A line from the agent that was not JSON. */
  | { type: 'garbage'; t: number; line: string; error: string }
  | { type: 'close'; t: number; info: { reason: string; exitCode?: number | null; signal?: string | null; error?: string } };

/** Reads a transcript, skipping a torn or unparsable line (append-only files may end mid-line). */
export function readTranscript(file: string): TranscriptRecord[] {
  const records: TranscriptRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (isRecord(value)) records.push(value);
    } catch {
      // torn last line
    }
  }
  return records;
}

function isRecord(value: unknown): value is TranscriptRecord {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'header' || type === 'message' || type === 'garbage' || type === 'close';
}
