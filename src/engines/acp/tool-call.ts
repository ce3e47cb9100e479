import type { ToolCallState, ToolCallStatus, ToolDiff, ToolKind } from '../session.js';
import { arr, isObj, obj, str } from '../loose.js';
import type { Obj } from '../loose.js';

const KINDS = new Set<string>(['read', 'edit', 'delete', 'move', 'search', 'execute', 'fetch', 'think', 'other']);
const STATUSES = new Set<string>(['pending', 'in_progress', 'completed', 'failed']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', '/bin/sh', '/bin/bash', '/usr/bin/bash', '/bin/zsh', '/usr/bin/zsh']);

/** ACP tool kind → ours (`switch_mode` and unknown kinds → `other`). */
export function toolKind(value: unknown): ToolKind | undefined {
  if (typeof value !== 'string') return undefined;
  return KINDS.has(value) ? (value as ToolKind) : 'other';
}

export function toolStatus(value: unknown): ToolCallStatus | undefined {
  return typeof value === 'string' && STATUSES.has(value) ? (value as ToolCallStatus) : undefined;
}

/**
 * The shell command in a tool's raw input: `command` or `cmd`, a string or an argv. An argv of the
 * form `[bash, -c|-lc, X]` gives `X` (what actually runs); another argv is joined with spaces.
 */
export function commandOf(rawInput: unknown): string | undefined {
  const input = obj(rawInput);
  if (!input) return undefined;
  const value = input.command ?? input.cmd;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  const argv = value;
  if (argv.length === 3 && SHELLS.has(argv[0]!) && /^-l?c$/.test(argv[1]!)) return argv[2];
  return argv.join(' ');
}

/** Paths a tool call touches: `locations[].path`, then well-known raw-input keys. */
export function pathsOf(locations: unknown, rawInput: unknown): string[] {
  const out: string[] = [];
  for (const loc of arr(locations)) {
    const p = str(obj(loc)?.path);
    if (p) out.push(p);
  }
  const input = obj(rawInput);
  if (input) {
    for (const key of ['path', 'file_path', 'filePath', 'file', 'target', 'source', 'destination']) {
      const p = str(input[key]);
      if (p) out.push(p);
    }
    for (const p of arr(input.paths)) if (typeof p === 'string') out.push(p);
  }
  return [...new Set(out)];
}

/** Text and diffs inside ACP `ToolCallContent[]`. */
export function contentOf(content: unknown): { output?: string; diffs?: ToolDiff[] } {
  const texts: string[] = [];
  const diffs: ToolDiff[] = [];
  for (const item of arr(content)) {
    if (!isObj(item)) continue;
    if (item.type === 'content') {
      const text = str(obj(item.content)?.text);
      if (text !== undefined) texts.push(text);
    } else if (item.type === 'diff') {
      const path = str(item.path);
      const newText = str(item.newText);
      if (path !== undefined && newText !== undefined) {
        const oldText = str(item.oldText);
        diffs.push(oldText === undefined ? { path, newText } : { path, oldText, newText });
      }
    }
  }
  return {
    ...(texts.length > 0 ? { output: texts.join('') } : {}),
    ...(diffs.length > 0 ? { diffs } : {}),
  };
}

/** The running state of one tool call while its updates arrive. */
export interface TrackedCall extends ToolCallState {
  output?: string;
  diffs?: ToolDiff[];
  rawOutput?: unknown;
  finished: boolean;
  /** Characters of text the call carried (streamed args, output), for usage estimates. */
  chars: number;
}

/** Starts tracking from a `tool_call` or a first `tool_call_update` (or a permission request). */
export function newCall(callId: string, update: Obj): TrackedCall {
  const call: TrackedCall = { callId, kind: 'other', title: '', status: 'pending', paths: [], finished: false, chars: 0 };
  mergeCall(call, update);
  return call;
}

/** Applies the fields an update carries (ACP sends only changed fields). */
export function mergeCall(call: TrackedCall, update: Obj): void {
  const kind = toolKind(update.kind);
  if (kind) call.kind = kind;
  const title = str(update.title);
  if (title !== undefined) call.title = title;
  const status = toolStatus(update.status);
  if (status) call.status = status;
  if (update.rawInput !== undefined) {
    call.rawInput = update.rawInput;
    const command = commandOf(update.rawInput);
    if (command !== undefined) call.command = command;
  }
  if (update.rawOutput !== undefined) call.rawOutput = update.rawOutput;
  const paths = pathsOf(update.locations, update.rawInput);
  if (paths.length > 0) call.paths = [...new Set([...call.paths, ...paths])];
  if (update.content !== undefined) {
    const { output, diffs } = contentOf(update.content);
    if (output !== undefined) {
      call.output = output;
      call.chars += output.length;
    }
    if (diffs) {
      call.diffs = diffs;
      for (const d of diffs) if (!call.paths.includes(d.path)) call.paths.push(d.path);
    }
  }
}

/** The public state of a call (no bookkeeping fields). */
export function stateOf(call: TrackedCall): ToolCallState {
  const state: ToolCallState = { callId: call.callId, kind: call.kind, title: call.title, status: call.status, paths: [...call.paths] };
  if (call.command !== undefined) state.command = call.command;
  if (call.rawInput !== undefined) state.rawInput = call.rawInput;
  return state;
}

export function extrasOf(call: TrackedCall): { output?: string; diffs?: ToolDiff[]; rawOutput?: unknown } {
  return {
    ...(call.output !== undefined ? { output: call.output } : {}),
    ...(call.diffs ? { diffs: call.diffs } : {}),
    ...(call.rawOutput !== undefined ? { rawOutput: call.rawOutput } : {}),
  };
}
