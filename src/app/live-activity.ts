import type { LiveActivity } from '../core/feed/feed.js';
import { redactSecrets } from '../core/redact.js';
import { StreamRedactor } from '../core/redact-stream.js';
import type { AgentEvent, TokenUsage } from '../engines/session.js';

/** Longest title or command carried live (the transcript keeps the whole call). */
const MAX_FIELD = 500;

const clip = (text: string): string => redactSecrets(text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}…` : text);

/**
 * Turns one agent turn's events into live activity for the goal feed (docs/goal-view.md "Live
 * activity"), redacted where it enters: streamed text through a StreamRedactor (so a secret split
 * across pieces is never sent in parts), titles, commands and summaries through the redactor.
 */
export class LiveActivityMapper {
  private readonly text = new StreamRedactor();

  constructor(private readonly emit: (activity: LiveActivity) => void) {}

  event(event: AgentEvent): void {
    switch (event.type) {
      case 'text_delta': {
        const safe = this.text.push(event.text);
        if (safe !== '') this.emit({ kind: 'text', text: safe });
        return;
      }
      case 'tool_call_started':
        this.emit({ kind: 'tool_call', id: event.callId, tool: event.kind, title: clip(event.title), command: event.command === undefined ? null : clip(event.command), status: 'started' });
        return;
      case 'tool_call_completed':
        this.emit({
          kind: 'tool_call',
          id: event.callId,
          tool: event.kind,
          title: clip(event.title),
          command: event.command === undefined ? null : clip(event.command),
          status: event.status === 'completed' ? 'completed' : 'failed',
        });
        return;
      case 'approval_resolved':
        if (event.outcome === 'cancelled') return;
        this.emit({
          kind: 'approval',
          tool: event.request.kind,
          summary: clip(event.request.command ?? event.request.paths.join(', ')),
          decision: event.outcome === 'allowed' ? 'allow' : 'deny',
          rule: event.rule ?? null,
        });
        return;
      default:
        return;
    }
  }

  /** The turn's usage so far (cumulative); `usd` null when the engine has no pricing. */
  usage(usage: TokenUsage, usd: number | null): void {
    this.emit({ kind: 'usage', tokens_in: usage.input + usage.cacheRead + usage.cacheWrite, tokens_out: usage.output, usd, exact: usage.exact });
  }

  /** The end of the turn: what the text redactor still held back. */
  end(): void {
    const rest = this.text.flush();
    if (rest !== '') this.emit({ kind: 'text', text: rest });
  }
}
