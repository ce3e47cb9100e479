import { str } from '../loose.js';
import type { Obj } from '../loose.js';

/**
 * Conservative answers to the server requests omk does not serve (protocols.md §1.6): we declare no
 * external tools, no question support and no hook subscriptions, so these arrive only from a
 * misbehaving or replaying server. Each answer is the "nobody is here" outcome the server itself
 * uses for pending requests at turn end.
 */
export function conservativeAnswer(type: string, payload: Obj): { result: unknown; notice: string } | undefined {
  const id = str(payload.id) ?? '';
  switch (type) {
    case 'ToolCallRequest': {
      const name = str(payload.name) ?? '(unnamed)';
      return {
        result: {
          tool_call_id: id,
          return_value: { is_error: true, output: '', message: `omk does not provide the external tool \`${name}\`.`, display: [] },
        },
        notice: `the agent called external tool \`${name}\`, which omk does not provide; answered with a tool error`,
      };
    }
    case 'QuestionRequest':
      return { result: { request_id: id, answers: {} }, notice: 'the agent asked the user a question; omk dismissed it (no one to ask)' };
    case 'HookRequest':
      return { result: { request_id: id, action: 'allow', reason: '' }, notice: `the agent asked hook \`${str(payload.event) ?? '?'}\`; omk subscribes to none, answered allow` };
    default:
      return undefined;
  }
}
