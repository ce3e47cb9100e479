import type { ApprovalOutcome, ApprovalRequest } from '../session.js';
import { arr, obj, str } from '../loose.js';
import type { Obj } from '../loose.js';
import { commandOf, pathsOf, toolKind } from './tool-call.js';
import type { TrackedCall } from './tool-call.js';

export type PermissionOptionKind = 'allow_once' | 'allow_always' | 'reject_once' | 'reject_always';

export interface PermissionOption {
  optionId: string;
  kind: PermissionOptionKind | (string & {});
  name?: string;
}

/** The ACP answer to `session/request_permission`. */
export type PermissionResponse = { outcome: { outcome: 'selected'; optionId: string } | { outcome: 'cancelled' } };

export const CANCELLED: PermissionResponse = { outcome: { outcome: 'cancelled' } };

/**
 * Builds the approval request from a permission request's `toolCall` (a partial update) merged over
 * what the tool-call updates already told us.
 */
export function approvalRequestOf(toolCall: Obj, tracked: TrackedCall | undefined): ApprovalRequest {
  // kimi-code sends neither rawInput nor kind with the request; the arguments were streamed before
  // as the call's text content (JSON), so read them from there.
  const rawInput = toolCall.rawInput ?? tracked?.rawInput ?? jsonObject(tracked?.output);
  const paths = [...new Set([...(tracked?.paths ?? []), ...pathsOf(toolCall.locations, rawInput)])];
  const request: ApprovalRequest = {
    kind: toolKind(toolCall.kind) ?? tracked?.kind ?? 'other',
    paths,
  };
  const title = str(toolCall.title) ?? (tracked?.title || undefined);
  if (title !== undefined) request.title = title;
  // Gemini CLI sends a shell call's command only as its title (no rawInput, no update before the
  // request). A title that is not the command only makes the policy stricter: it is checked as one.
  const command = commandOf(rawInput) ?? tracked?.command ?? (request.kind === 'execute' ? title : undefined);
  if (command !== undefined) request.command = command;
  const input = obj(rawInput);
  const cwd = str(input?.cwd) ?? str(input?.workdir);
  if (cwd !== undefined) request.cwd = cwd;
  if (rawInput !== undefined) request.raw = rawInput;
  const callId = str(toolCall.toolCallId);
  if (callId !== undefined) request.toolCallId = callId;
  return request;
}

/** The options the agent offered, loosely read. */
export function optionsOf(params: Obj): PermissionOption[] {
  const out: PermissionOption[] = [];
  for (const o of arr(params.options)) {
    const option = obj(o);
    const optionId = str(option?.optionId);
    const kind = str(option?.kind);
    if (optionId === undefined || kind === undefined) continue;
    const name = str(option?.name);
    out.push(name === undefined ? { optionId, kind } : { optionId, kind, name });
  }
  return out;
}

/**
 * Picks the option matching the decision by `kind` (ids are agent-specific). Allow prefers
 * `allow_once` unless `always` was asked; deny prefers `reject_once`. When the agent offered nothing
 * suitable, the answer is `cancelled` (which every agent must treat as "do not run").
 */
export function chooseOption(options: PermissionOption[], outcome: ApprovalOutcome): PermissionResponse {
  const order: PermissionOptionKind[] = outcome.allow
    ? outcome.always
      ? ['allow_always', 'allow_once']
      : ['allow_once', 'allow_always']
    : outcome.always
      ? ['reject_always', 'reject_once']
      : ['reject_once', 'reject_always'];
  for (const kind of order) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: { outcome: 'selected', optionId: option.optionId } };
  }
  return CANCELLED;
}

/** `text` parsed as a JSON object, or undefined. */
function jsonObject(text: string | undefined): Obj | undefined {
  if (text === undefined || !text.trimStart().startsWith('{')) return undefined;
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}
