import path from 'node:path';
import type { ToolCallState, ToolDiff, ToolKind } from '../session.js';
import { arr, isObj, obj, str } from '../loose.js';

/** Kimi CLI's built-in tools (and kimi-agent's), by name. */
const KNOWN_KINDS: Record<string, ToolKind> = {
  Shell: 'execute',
  Bash: 'execute',
  ReadFile: 'read',
  ReadMediaFile: 'read',
  WriteFile: 'edit',
  StrReplaceFile: 'edit',
  Glob: 'search',
  Grep: 'search',
  SearchWeb: 'fetch',
  FetchURL: 'fetch',
  Think: 'think',
  SetTodoList: 'other',
  Task: 'other',
};

/** Name fragments → kind, for tools we do not know (MCP tools, newer CLIs). First match wins. */
const NAME_HINTS: Array<[RegExp, ToolKind]> = [
  [/shell|bash|exec|command|terminal|run/i, 'execute'],
  [/delete|remove|unlink|rm\b/i, 'delete'],
  [/move|rename/i, 'move'],
  [/write|edit|replace|patch|create|append/i, 'edit'],
  [/read|view|cat|open/i, 'read'],
  [/grep|glob|search|find|list|ls\b/i, 'search'],
  [/fetch|web|url|http|browse/i, 'fetch'],
  [/think|todo|plan/i, 'think'],
];

/** What a Wire tool does, from its name (Wire carries no kind). */
export function kindOfTool(name: string | undefined): ToolKind {
  if (name === undefined || name === '') return 'other';
  const known = KNOWN_KINDS[name];
  if (known) return known;
  for (const [pattern, kind] of NAME_HINTS) if (pattern.test(name)) return kind;
  return 'other';
}

/** Parses a tool call's JSON arguments; undefined while they are still partial (or not JSON). */
export function parseArgs(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The shell command in a tool's arguments (`command` or `cmd`; an argv is joined with spaces). */
export function commandOfArgs(args: unknown): string | undefined {
  const input = obj(args);
  const value = input?.command ?? input?.cmd;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/** Paths named in a tool's arguments, resolved against the work dir (so relative and absolute names of one file agree). */
export function pathsOfArgs(args: unknown, cwd: string): string[] {
  const input = obj(args);
  if (!input) return [];
  const out: string[] = [];
  for (const key of ['path', 'file_path', 'filePath', 'file', 'directory', 'dir', 'source', 'destination', 'target']) {
    const p = str(input[key]);
    if (p) out.push(p);
  }
  for (const p of arr(input.paths)) if (typeof p === 'string') out.push(p);
  return unique(out.map((p) => path.resolve(cwd, p)));
}

/** `DisplayBlock[]` (protocols.md §1.5): diffs, the shell command, and todo items. */
export function readDisplay(display: unknown, cwd: string): { diffs: ToolDiff[]; command?: string; todos?: Array<{ content: string; status: string }> } {
  const diffs: ToolDiff[] = [];
  let command: string | undefined;
  let todos: Array<{ content: string; status: string }> | undefined;
  for (const block of arr(display)) {
    if (!isObj(block)) continue;
    if (block.type === 'diff') {
      const p = str(block.path);
      const newText = str(block.new_text);
      if (p !== undefined && newText !== undefined) {
        const oldText = str(block.old_text);
        diffs.push({ path: path.resolve(cwd, p), ...(oldText !== undefined ? { oldText } : {}), newText });
      }
    } else if (block.type === 'shell') {
      command ??= str(block.command);
    } else if (block.type === 'todo') {
      todos = arr(block.items).flatMap((item) => {
        const title = str(obj(item)?.title);
        return title === undefined ? [] : [{ content: title, status: todoStatus(str(obj(item)?.status)) }];
      });
    }
  }
  return { diffs, ...(command !== undefined ? { command } : {}), ...(todos ? { todos } : {}) };
}

/** Wire todo status → the plan status ACP uses (`done` → `completed`). */
function todoStatus(status: string | undefined): string {
  return status === 'done' ? 'completed' : (status ?? 'pending');
}

/** A tool call's text output: a string, or the text parts of a `ContentPart[]`. */
export function outputText(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  const texts = arr(output).flatMap((part) => (obj(part)?.type === 'text' && typeof obj(part)?.text === 'string' ? [obj(part)!.text as string] : []));
  return texts.length > 0 ? texts.join('') : undefined;
}

/** One Wire tool call while its argument fragments and result arrive. */
export interface WireCall extends ToolCallState {
  name: string;
  /** The arguments text so far (`ToolCall.function.arguments` + every `ToolCallPart`). */
  args: string;
  finished: boolean;
}

export function newCall(callId: string, name: string, args: string, cwd: string): WireCall {
  const call: WireCall = { callId, name, kind: kindOfTool(name), title: name, status: 'pending', paths: [], args: '', finished: false };
  appendArgs(call, args, cwd);
  return call;
}

/** Appends an argument fragment; once the text parses, `rawInput`, `command` and `paths` follow it. */
export function appendArgs(call: WireCall, fragment: string, cwd: string): void {
  call.args += fragment;
  const parsed = parseArgs(call.args);
  if (parsed === undefined) return;
  call.rawInput = parsed;
  const command = commandOfArgs(parsed);
  if (command !== undefined) call.command = command;
  call.paths = unique([...call.paths, ...pathsOfArgs(parsed, cwd)]);
  const summary = command ?? call.paths[0];
  if (summary !== undefined) call.title = `${call.name}: ${summary}`;
}

/** The public state of a call (no bookkeeping fields). */
export function stateOf(call: WireCall): ToolCallState {
  const state: ToolCallState = { callId: call.callId, kind: call.kind, title: call.title, status: call.status, paths: [...call.paths] };
  if (call.command !== undefined) state.command = call.command;
  if (call.rawInput !== undefined) state.rawInput = call.rawInput;
  return state;
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
