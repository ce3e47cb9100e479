import { StreamRedactor } from '../core/redact-stream.js';
import { redactDeep } from '../core/redact.js';
import type { AgentEvent } from '../engines/session.js';

/**
 * The transcript lines of an engine that has no protocol stream to record (the builtin engine): its
 * normalised events, redacted where they enter the record. Streamed text (`text_delta`,
 * `thinking_delta`) goes through one StreamRedactor per stream, so a secret split across deltas is
 * removed whole; the held-back rest is written as one more delta when anything else arrives or the turn ends.
 */
export class EventTranscript {
  private readonly streams = new Map<'text_delta' | 'thinking_delta', StreamRedactor>();

  /** The lines (each ending in a newline) to append for one event; possibly none. */
  lines(event: AgentEvent): string {
    if (event.type === 'text_delta' || event.type === 'thinking_delta') {
      let redactor = this.streams.get(event.type);
      if (!redactor) this.streams.set(event.type, (redactor = new StreamRedactor()));
      const text = redactor.push(event.text);
      return text === '' ? '' : line({ ...event, text });
    }
    return this.end() + line(redactDeep(event));
  }

  /** The held-back rest of every stream (at the end of the turn, or before another kind of event). */
  end(): string {
    let out = '';
    for (const [type, redactor] of this.streams) {
      const text = redactor.flush();
      if (text !== '') out += line({ type, text });
    }
    this.streams.clear();
    return out;
  }
}

const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
