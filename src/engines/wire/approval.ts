import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { AgentEvent, ApproveFn, ApprovalOutcome, ApprovalRequest } from '../session.js';
import { str } from '../loose.js';
import type { Obj } from '../loose.js';
import { kindOfTool, readDisplay, unique } from './tool-call.js';
import type { WireCall } from './tool-call.js';
import { raceAbort } from '../race-abort.js';

/** Wire's approval answers (protocols.md §1.6). */
export type WireApprovalResponse = 'approve' | 'approve_for_session' | 'reject';

/** The result we send for an `ApprovalRequest`: `{request_id, response, feedback}`. */
export interface WireApprovalResult {
  request_id: string;
  response: WireApprovalResponse;
  feedback: string;
}

/** Kind from the action text when the sender is unknown ("run command", "edit file", …). */
function kindOfAction(action: string | undefined): ApprovalRequest['kind'] | undefined {
  if (action === undefined) return undefined;
  if (/run|command|exec/i.test(action)) return 'execute';
  if (/edit|write|patch|modify|create/i.test(action)) return 'edit';
  if (/delete|remove/i.test(action)) return 'delete';
  if (/read/i.test(action)) return 'read';
  if (/fetch|web|url/i.test(action)) return 'fetch';
  return undefined;
}

/**
 * An `ApprovalRequest` payload (`{id, tool_call_id, sender, action, description, display, …}`) merged
 * over what the `ToolCall` events told us, as the request the approval callback sees.
 */
export function approvalRequestOf(payload: Obj, call: WireCall | undefined, cwd: string): ApprovalRequest {
  const sender = str(payload.sender);
  const display = readDisplay(payload.display, cwd);
  const byName = kindOfTool(sender);
  const kind = call?.kind ?? (byName !== 'other' ? byName : (kindOfAction(str(payload.action)) ?? 'other'));
  const paths = unique([...(call?.paths ?? []), ...display.diffs.map((d) => d.path)].map((p) => path.resolve(cwd, p)));
  const request: ApprovalRequest = { kind, paths };
  const title = str(payload.description) ?? str(payload.action);
  if (title !== undefined) request.title = title;
  const command = display.command ?? call?.command;
  if (command !== undefined) request.command = command;
  if (kind === 'execute') request.cwd = cwd;
  request.raw = call?.rawInput ?? payload;
  const toolCallId = str(payload.tool_call_id) ?? call?.callId;
  if (toolCallId !== undefined) request.toolCallId = toolCallId;
  const tool = sender ?? call?.name;
  if (tool !== undefined) request.tool = tool;
  return request;
}

/** Our outcome → the Wire answer. Denied and cancelled requests are `reject`; `always` asks for the session. */
export function approvalResultOf(requestId: string, outcome: ApprovalOutcome | 'cancelled'): WireApprovalResult {
  if (outcome === 'cancelled') return { request_id: requestId, response: 'reject', feedback: 'The request was cancelled.' };
  const response: WireApprovalResponse = outcome.allow ? (outcome.always ? 'approve_for_session' : 'approve') : 'reject';
  return { request_id: requestId, response, feedback: outcome.reason ?? '' };
}

/**
 * Calls the approval callback: its outcome, `'cancelled'` as soon as `signal` aborts (the turn was
 * cancelled or the session closed), or a denial when it throws.
 */
export async function askApproval(approve: ApproveFn, request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalOutcome | 'cancelled'> {
  if (signal.aborted) return 'cancelled';
  try {
    return await raceAbort(
      Promise.resolve().then(() => approve(request, signal)),
      signal,
    );
  } catch (error) {
    return signal.aborted ? 'cancelled' : { allow: false, rule: 'adapter:approval-error', reason: describeError(error) };
  }
}

/** The `approval_resolved` event for an outcome. */
export function approvalResolvedEvent(request: ApprovalRequest, outcome: ApprovalOutcome | 'cancelled'): AgentEvent {
  if (outcome === 'cancelled') return { type: 'approval_resolved', request, outcome: 'cancelled' };
  return {
    type: 'approval_resolved',
    request,
    outcome: outcome.allow ? 'allowed' : 'denied',
    ...(outcome.rule !== undefined ? { rule: outcome.rule } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
  };
}
