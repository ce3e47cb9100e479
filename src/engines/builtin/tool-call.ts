import { describeError } from '../../core/errors.js';
import type { AgentEvent, ApprovalOutcome, ApprovalRequest, ApproveFn, ToolCallState, ToolCallStatus } from '../session.js';
import { callMcpTool, type McpToolRef } from './tools/mcp-tools.js';
import type { AssembledToolCall } from './stream-assembler.js';
import { approvalRequest, callPaths, callTitle, parseCall, type ParsedCall, runCall } from './tools/invoke.js';
import { toolKind } from './tools/schemas.js';
import { capText, type ToolContext } from './tools/types.js';

export interface ToolCallRun {
  /** The `tool` message content the model gets back. */
  content: string;
  status: ToolCallStatus;
}

/**
 * One tool call, start to end: check the arguments → refuse paths outside the session → ask
 * `approve` → run → report. Every step is an event; a denial or a refusal is a tool result the model
 * reads, not an error of the turn. Never throws.
 */
export async function runToolCall(
  call: AssembledToolCall,
  ctx: ToolContext,
  approve: ApproveFn,
  readOnly: boolean,
  emit: (event: AgentEvent) => void,
): Promise<ToolCallRun> {
  const state: ToolCallState = { callId: call.id, kind: toolKind(call.name), title: call.name, status: 'pending', paths: [], rawInput: call.arguments };
  const finish = (status: ToolCallStatus, output: string, extra: Partial<Extract<AgentEvent, { type: 'tool_call_completed' }>> = {}): ToolCallRun => {
    emit({ type: 'tool_call_completed', ...state, ...extra, status, output });
    return { content: output, status };
  };

  const mcp = ctx.mcp?.lookup(call.name);
  if (mcp) return runMcpToolCall(call, mcp, ctx, approve, emit);

  const parsed = parseCall(call.name, call.arguments, readOnly);
  if (!parsed.ok) return finish('failed', parsed.error);
  const parsedCall = parsed.call;
  state.title = callTitle(parsedCall);
  state.paths = callPaths(parsedCall, ctx);
  state.rawInput = parsedCall.args;
  if (parsedCall.name === 'bash') state.command = parsedCall.args.command;
  emit({ type: 'tool_call_updated', ...state });

  // Paths that leave the session directory are refused before anyone is asked: nothing to approve.
  const requested = requestedPath(parsedCall);
  if (requested !== undefined) {
    const confined = await ctx.confinement.resolve(requested);
    if (!confined.ok) return finish('failed', `refused: ${confined.reason}. Nothing was done.`);
  }

  const request = approvalRequest(parsedCall, call.id, ctx);
  const outcome = await askApproval(approve, request, ctx.signal);
  if (outcome === 'cancelled') {
    emit({ type: 'approval_resolved', request, outcome: 'cancelled', reason: 'the turn was cancelled' });
    return finish('cancelled', 'cancelled before it ran: the turn was cancelled');
  }
  emit({
    type: 'approval_resolved',
    request,
    outcome: outcome.allow ? 'allowed' : 'denied',
    ...(outcome.rule === undefined ? {} : { rule: outcome.rule }),
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
  });
  if (!outcome.allow) {
    const why = outcome.reason ? `: ${outcome.reason}` : '';
    return finish(
      'failed',
      `denied by omk's approval policy${why}. The call was not run. Do not repeat it unchanged; find another way or explain what you need.`,
    );
  }

  state.status = 'in_progress';
  emit({ type: 'tool_call_updated', ...state });
  const result = await runCall(parsedCall, ctx);
  const output = capText(result.output);
  if (ctx.signal.aborted) return finish('cancelled', output, result.diffs ? { diffs: result.diffs } : {});
  return finish(result.isError ? 'failed' : 'completed', output, result.diffs ? { diffs: result.diffs } : {});
}

/**
 * A configured MCP server's tool: the same path as a builtin tool — arguments checked, the approval
 * policy asked (kind `other`, the tool named `mcp__SERVER__TOOL`), then run — every step an event,
 * so the goal's transcript and its `approval.decided` events record it.
 */
async function runMcpToolCall(call: AssembledToolCall, ref: McpToolRef, ctx: ToolContext, approve: ApproveFn, emit: (event: AgentEvent) => void): Promise<ToolCallRun> {
  const state: ToolCallState = { callId: call.id, kind: 'other', title: `mcp ${ref.server}: ${ref.tool}`, status: 'pending', paths: [], rawInput: call.arguments };
  const finish = (status: ToolCallStatus, output: string): ToolCallRun => {
    emit({ type: 'tool_call_completed', ...state, status, output });
    return { content: output, status };
  };
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (error) {
    return finish('failed', `the arguments of ${call.name} are not valid JSON (${(error as Error).message}); send a JSON object`);
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return finish('failed', `the arguments of ${call.name} must be a JSON object`);
  state.rawInput = args;
  emit({ type: 'tool_call_updated', ...state });

  const request: ApprovalRequest = { kind: 'other', title: state.title, paths: [], raw: args, toolCallId: call.id, tool: call.name };
  const outcome = await askApproval(approve, request, ctx.signal);
  if (outcome === 'cancelled') {
    emit({ type: 'approval_resolved', request, outcome: 'cancelled', reason: 'the turn was cancelled' });
    return finish('cancelled', 'cancelled before it ran: the turn was cancelled');
  }
  emit({ type: 'approval_resolved', request, outcome: outcome.allow ? 'allowed' : 'denied', ...(outcome.rule === undefined ? {} : { rule: outcome.rule }), ...(outcome.reason === undefined ? {} : { reason: outcome.reason }) });
  if (!outcome.allow) {
    return finish('failed', `denied by omk's approval policy${outcome.reason ? `: ${outcome.reason}` : ''}. The call was not run. Do not repeat it unchanged.`);
  }
  state.status = 'in_progress';
  emit({ type: 'tool_call_updated', ...state });
  const result = await callMcpTool(ref, args as Record<string, unknown>, ctx.signal);
  if (ctx.signal.aborted) return finish('cancelled', capText(result.output));
  return finish(result.isError ? 'failed' : 'completed', capText(result.output));
}

/** Asks the callback, treating a throw as a denial and an abort as `cancelled`. */
async function askApproval(
  approve: ApproveFn,
  request: Parameters<ApproveFn>[0],
  signal: AbortSignal,
): Promise<ApprovalOutcome | 'cancelled'> {
  if (signal.aborted) return 'cancelled';
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'cancelled'>((resolve) => {
    onAbort = () => resolve('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const asked = Promise.resolve()
      .then(() => approve(request, signal))
      .catch((error: unknown): ApprovalOutcome => ({ allow: false, reason: `the approval check failed (${describeError(error)})` }));
    const outcome = await Promise.race([asked, aborted]);
    return signal.aborted ? 'cancelled' : outcome;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** The path argument a call names, as the model gave it. */
function requestedPath(call: ParsedCall): string | undefined {
  if (call.name === 'bash') return undefined;
  if (call.name === 'grep') return call.args.path ?? '.';
  return call.args.path;
}
