import type { TurnError } from '../session.js';
import type { RpcErrorObject } from './rpc.js';
import { LOCAL_CLOSED, LOCAL_TIMEOUT } from './rpc.js';

/** Wire's JSON-RPC error codes (protocols.md §1.7). */
export const WIRE_ERROR = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Turn in progress / no turn / plan mode not supported. */
  INVALID_STATE: -32000,
  LLM_NOT_SET: -32001,
  LLM_NOT_SUPPORTED: -32002,
  CHAT_PROVIDER_ERROR: -32003,
  AUTH_EXPIRED: -32004,
} as const;

/** Rate limits, server errors and network trouble from the model provider are worth retrying. */
const RETRYABLE_PROVIDER = /\b(429|5\d\d)\b|rate.?limit|timed? ?out|timeout|connection|overloaded/i;

/**
 * The one mapping from a Wire JSON-RPC error to omk's `TurnError` (STYLE §7):
 * - -32000 → `busy` (a turn is already running) or `invalid_state` (no turn, not supported);
 * - -32001 `llm_not_set`, -32002 `llm_not_supported`, -32003 `provider_error` (retryable on 429/5xx/
 *   timeouts/connection), -32004 `auth_required`;
 * - -32600/-32601/-32602/-32700 → `protocol_error` (our bug or a version mismatch);
 * - -32603 and anything else → `agent_error`;
 * - local failures: `crashed` (connection closed), `timeout`.
 * The JSON-RPC number is kept in `protocolCode`.
 */
export function turnErrorOf(error: RpcErrorObject): TurnError {
  const base = { message: error.message, protocolCode: error.code };
  switch (error.code) {
    case LOCAL_CLOSED:
      return { code: 'crashed', message: error.message };
    case LOCAL_TIMEOUT:
      return { code: 'timeout', message: error.message, retryable: true };
    case WIRE_ERROR.INVALID_STATE:
      // "An agent turn is already in progress" vs "No agent turn is in progress" / "not supported".
      return { code: !/\bno\b/i.test(error.message) && /in progress|already/i.test(error.message) ? 'busy' : 'invalid_state', ...base };
    case WIRE_ERROR.LLM_NOT_SET:
      return { code: 'llm_not_set', ...base };
    case WIRE_ERROR.LLM_NOT_SUPPORTED:
      return { code: 'llm_not_supported', ...base };
    case WIRE_ERROR.CHAT_PROVIDER_ERROR:
      return { code: 'provider_error', ...base, retryable: RETRYABLE_PROVIDER.test(error.message) };
    case WIRE_ERROR.AUTH_EXPIRED:
      return { code: 'auth_required', ...base };
    case WIRE_ERROR.PARSE_ERROR:
    case WIRE_ERROR.INVALID_REQUEST:
    case WIRE_ERROR.METHOD_NOT_FOUND:
    case WIRE_ERROR.INVALID_PARAMS:
      return { code: 'protocol_error', ...base };
    default:
      return { code: 'agent_error', ...base };
  }
}
