import type { ApprovalRequest } from '../../session.js';
import { isRecord } from '../usage.js';
import { bashTool } from './bash.js';
import { editFileTool, listDirTool, readFileTool, writeFileTool } from './files.js';
import { grepTool } from './grep.js';
import { isBuiltinTool, isReadOnlyTool, TOOL_NAMES, toolKind } from './schemas.js';
import type { ToolContext, ToolOutcome } from './types.js';

/** A tool call with checked arguments. */
export type ParsedCall =
  | { name: 'read_file'; args: { path: string; offset?: number; limit?: number } }
  | { name: 'write_file'; args: { path: string; content: string } }
  | { name: 'edit_file'; args: { path: string; old: string; new: string } }
  | { name: 'list_dir'; args: { path: string } }
  | { name: 'grep'; args: { pattern: string; path?: string } }
  | { name: 'bash'; args: { command: string; timeout_ms?: number } };

/** Parses and checks a call's JSON arguments; the error is a sentence for the model. */
export function parseCall(name: string, rawArguments: string, readOnly: boolean): { ok: true; call: ParsedCall } | { ok: false; error: string } {
  if (!isBuiltinTool(name)) return { ok: false, error: `unknown tool "${name}"; the tools are ${available(readOnly)}` };
  if (readOnly && !isReadOnlyTool(name)) {
    return { ok: false, error: `${name} is not available in this read-only session; the tools are ${available(readOnly)}` };
  }
  let args: unknown;
  try {
    args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch (error) {
    return { ok: false, error: `the arguments of ${name} are not valid JSON (${(error as Error).message}); send a JSON object` };
  }
  if (!isRecord(args)) return { ok: false, error: `the arguments of ${name} must be a JSON object` };
  const problems: string[] = [];
  const text = (key: string, fallback?: string): string => {
    const value = args[key] ?? fallback;
    if (typeof value !== 'string') problems.push(`"${key}" must be a string`);
    return typeof value === 'string' ? value : '';
  };
  const optionalText = (key: string): string | undefined => (args[key] === undefined || args[key] === null ? undefined : text(key));
  const optionalInt = (key: string): number | undefined => {
    const value = args[key];
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      problems.push(`"${key}" must be a number`);
      return undefined;
    }
    return Math.floor(n);
  };
  let call: ParsedCall;
  switch (name) {
    case 'read_file':
      call = { name, args: { path: text('path'), offset: optionalInt('offset'), limit: optionalInt('limit') } };
      break;
    case 'write_file':
      call = { name, args: { path: text('path'), content: text('content') } };
      break;
    case 'edit_file':
      call = { name, args: { path: text('path'), old: text('old'), new: text('new') } };
      break;
    case 'list_dir':
      call = { name, args: { path: text('path', '.') } };
      break;
    case 'grep':
      call = { name, args: { pattern: text('pattern'), path: optionalText('path') } };
      break;
    case 'bash':
      call = { name, args: { command: text('command'), timeout_ms: optionalInt('timeout_ms') } };
      break;
  }
  if (problems.length > 0) return { ok: false, error: `invalid arguments for ${name}: ${problems.join('; ')}` };
  return { ok: true, call };
}

/** The paths a call touches, as given, relative ones resolved against the session directory. */
export function callPaths(call: ParsedCall, ctx: ToolContext): string[] {
  switch (call.name) {
    case 'bash':
      return [];
    case 'grep':
      return [ctx.confinement.lexical(call.args.path ?? '.')];
    default:
      return [ctx.confinement.lexical(call.args.path)];
  }
}

/** The one-line title shown for a call. */
export function callTitle(call: ParsedCall): string {
  switch (call.name) {
    case 'bash':
      return `bash: ${call.args.command}`;
    case 'grep':
      return `grep ${JSON.stringify(call.args.pattern)} in ${call.args.path ?? '.'}`;
    default:
      return `${call.name} ${call.args.path}`;
  }
}

/** The approval request for a call (read/search/edit/execute with paths or the command). */
export function approvalRequest(call: ParsedCall, callId: string, ctx: ToolContext): ApprovalRequest {
  const request: ApprovalRequest = {
    kind: toolKind(call.name),
    title: callTitle(call),
    paths: callPaths(call, ctx),
    raw: call.args,
    toolCallId: callId,
    tool: call.name,
  };
  if (call.name === 'bash') {
    request.command = call.args.command;
    request.cwd = ctx.confinement.root;
  }
  return request;
}

/** Runs a checked call. Never throws: an unexpected error becomes a failed outcome. */
export async function runCall(call: ParsedCall, ctx: ToolContext): Promise<ToolOutcome> {
  try {
    switch (call.name) {
      case 'read_file':
        return await readFileTool(call.args, ctx);
      case 'write_file':
        return await writeFileTool(call.args, ctx);
      case 'edit_file':
        return await editFileTool(call.args, ctx);
      case 'list_dir':
        return await listDirTool(call.args, ctx);
      case 'grep':
        return await grepTool(call.args, ctx);
      case 'bash':
        return await bashTool(call.args, ctx);
    }
  } catch (error) {
    return { output: `${call.name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
  }
}

function available(readOnly: boolean): string {
  return TOOL_NAMES.filter((n) => !readOnly || isReadOnlyTool(n)).join(', ');
}
