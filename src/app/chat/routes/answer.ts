import type { ChatOutcome } from '../../../core/chat/types.js';
import { askOnce } from '../../ask.js';
import { withHistory, type RouteScope } from './scope.js';

/** `trivial`: one read-only agent turn, streamed (the same turn as `omk ask`). */
export async function answerRoute(scope: RouteScope): Promise<ChatOutcome> {
  const { core } = scope;
  core.emit({ type: 'mode', mode: 'answer' });
  const answer = await askOnce(core.ctx, withHistory(scope), {
    ...(core.engine === undefined ? {} : { engine: core.engine }),
    signal: scope.signal,
    onEvent: (event) => {
      if (event.type === 'text_delta') core.emit({ type: 'text', text: event.text });
      else if (event.type === 'tool_call_started') core.emit({ type: 'activity', line: `${event.kind}: ${(event.command ?? event.title).replace(/\s+/g, ' ').slice(0, 120)}` });
    },
  });
  const { json } = answer;
  core.emit({ type: 'cost', tokens_in: json.usage.input, tokens_out: json.usage.output, usd: json.cost_usd ?? 0 });
  if (json.stop_reason === 'cancelled') return { kind: 'cancelled', route: 'trivial', reason: 'the answer was cancelled' };
  if (json.error !== null) return { kind: 'failed', route: 'trivial', reason: `the ${json.engine} engine stopped with error: ${json.error.message}` };
  return { kind: 'answered', route: 'trivial', text: json.text };
}
