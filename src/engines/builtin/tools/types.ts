import type { ProcessWrap } from '../../../core/containment/bwrap.js';
import type { ToolDiff } from '../../session.js';
import type { Confinement } from './confine.js';
import type { McpToolset } from './mcp-tools.js';

/** What a tool run produced: the text the model sees, whether it failed, and any file diffs. */
export interface ToolOutcome {
  output: string;
  isError: boolean;
  diffs?: ToolDiff[];
}

/** What tools run with. */
export interface ToolContext {
  confinement: Confinement;
  /** Aborts when the turn is cancelled. */
  signal: AbortSignal;
  /** Environment `bash` commands get (already allowlisted). */
  bashEnv: Record<string, string>;
  /** Default and maximum `bash` run time. */
  bashTimeoutMs: number;
  /** Runs `/bin/sh -c COMMAND` through a launcher (containment). */
  bashWrap?: ProcessWrap;
  /** The configured MCP servers' tools (`mcp__SERVER__TOOL`), when the session has any. */
  mcp?: McpToolset;
}

/** Longest tool output handed back to the model; past it the head and tail are kept. */
export const MAX_TOOL_OUTPUT_CHARS = 50_000;

export function failure(output: string): ToolOutcome {
  return { output, isError: true };
}

/** Keeps the head and the tail of `text` when it is longer than `max`, with a marker between. */
export function capText(text: string, max = MAX_TOOL_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  return `${text.slice(0, head)}\n[… ${text.length - max} characters cut …]\n${text.slice(text.length - tail)}`;
}
