import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describeError, isOmkError } from '../core/errors.js';

/**
 * Tool answers. A result carries its data twice: `structuredContent` (checked against the tool's
 * output schema by clients that read it) and the same JSON as text for clients that only show text.
 */
export function toolResult(structured: object, text?: string): CallToolResult {
  return { content: [{ type: 'text', text: text ?? JSON.stringify(structured, null, 2) }], structuredContent: structured as Record<string, unknown> };
}

/**
 * Any failure of a tool becomes an MCP tool error (`isError`), never a protocol error or a crash: the
 * text leads with omk's error code, then the message and the fix; `_meta["omk/error"]` has them as
 * data. No structured content: clients check it against the output schema even on errors.
 */
export function toolError(error: unknown): CallToolResult {
  const code = isOmkError(error) ? error.code : 'internal';
  const message = isOmkError(error) ? error.message : `internal error: ${describeError(error)}`;
  const hint = isOmkError(error) ? error.hint : 'this is a bug in omk; the server log (stderr) has the details';
  const text = `[${code}] ${message}${hint ? `\nfix: ${hint}` : ''}`;
  return { content: [{ type: 'text', text }], isError: true, _meta: { 'omk/error': { code, message, ...(hint ? { hint } : {}) } } };
}

/** Runs a tool body; whatever it throws is a tool error. */
export async function guarded(body: () => Promise<CallToolResult>, onInternal?: (error: unknown) => void): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (!isOmkError(error)) onInternal?.(error);
    return toolError(error);
  }
}
