import type { ApprovalMode } from '../config/types.js';

export type { ApprovalMode };

/** What an agent wants to do; the same set ACP uses for `tool_call.kind`. */
export const TOOL_KINDS = ['read', 'edit', 'delete', 'move', 'search', 'execute', 'fetch', 'think', 'other'] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

export interface ApprovalRequest {
  kind: ToolKind;
  /** The agent's own one-line title, shown to humans; never trusted for the decision. */
  title?: string;
  /** The shell command, for `execute`. */
  command?: string;
  /** Paths the call touches: absolute, relative to `cwd` (or the session dir), or `~/…`. */
  paths: string[];
  /** Working directory of an `execute`; absolute or relative to the session dir. @default sessionDir */
  cwd?: string;
  /** The agent's raw tool input; well-known keys (`path`, `command`, …) are read when the fields above are empty. */
  raw?: unknown;
}

export type RuleAction = 'allow' | 'deny' | 'ask';

/**
 * A user rule from config. Every field given must match; first matching rule wins, after the hard denies.
 * Deny rules match when any part of a command or any path matches; allow and ask rules need all of them to.
 */
export interface Rule {
  /** Stable name used in the decision's rule id (`rule:<id>`). @default its 1-based position */
  id?: string;
  kind?: ToolKind | ToolKind[];
  /** A command pattern: glob-like with `*`, or `re:<regex>` (anchored). */
  command?: string;
  /** A picomatch glob; relative globs match paths relative to the session dir, `/…` and `~/…` absolute ones. */
  path?: string;
  action: RuleAction;
}

export interface ApprovalContext {
  /** The worktree or session root, absolute. Everything an agent writes must stay inside it. */
  sessionDir: string;
  mode: ApprovalMode;
  /** Extra command patterns allowed in `auto` (and auto-allowed in `ask`), on top of the defaults. */
  allowCommands: string[];
  /** Command patterns denied in every mode (after the hard denies, before the rules). */
  denyCommands: string[];
  rules?: Rule[];
  /** The user's home directory, absolute: `~` and credential paths are resolved against it. */
  homeDir: string;
  /** Drop the built-in allow list and use `allowCommands` alone. @default false */
  replaceDefaultAllow?: boolean;
  /** The goal's base ref (e.g. `main`, `origin/develop`); protected like main and master. */
  baseRef?: string;
  /** The branch checked out in the session dir; `HEAD` when detached, undefined when unknown. */
  currentBranch?: string;
}

export type Decision = 'allow' | 'deny' | 'ask';

export interface ApprovalDecision {
  decision: Decision;
  /** Stable id of the rule that decided, e.g. `hard-deny:write-outside-worktree`; see rule-ids.ts. */
  rule: string;
  /** One human sentence. */
  reason: string;
}
