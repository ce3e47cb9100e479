import type { ChatOutcome } from '../../../core/chat/types.js';
import type { SessionCore } from '../session-core.js';

/** What a route runs with: the session, the request's text, and its stop signal. */
export interface RouteScope {
  core: SessionCore;
  text: string;
  signal: AbortSignal;
}

export type RouteRunner = (scope: RouteScope) => Promise<ChatOutcome>;

/** The last few exchanges, so a follow-up question has its context. */
export function withHistory(scope: RouteScope, maxEntries = 6): string {
  const earlier = scope.core.conversation.slice(0, -1).filter((e) => e.role !== 'system').slice(-maxEntries);
  if (earlier.length === 0) return scope.text;
  const lines = earlier.map((e) => `${e.role === 'user' ? 'User' : 'Assistant'}: ${e.text.length > 800 ? `${e.text.slice(0, 800)}…` : e.text}`);
  return `Earlier in this conversation:\n${lines.join('\n')}\n\nCurrent request:\n${scope.text}`;
}
