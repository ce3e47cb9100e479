/**
 * The one agent-session interface every engine adapter implements (ACP, Kimi Wire, builtin
 * OpenAI-compatible). The orchestrator only ever sees these types: normalised events, a turn result
 * that settles exactly once, cumulative usage, and a `close()` that works from every state.
 *
 * Rules every adapter follows (see docs/engines.md):
 * - Cancellation, crashes, timeouts and agent errors during a turn are **data** (`TurnResult`),
 *   never a rejected promise or a throw from the iterator. Only starting a session throws
 *   (`OmkError`: `binary_missing`, handshake failures).
 * - Unknown or unmapped protocol messages are kept as `raw` events, never fatal.
 * - `close()` is idempotent, safe in every state (starting, idle, mid-turn, crashed), settles an open
 *   turn as `cancelled`, and leaves no process behind.
 * - Callbacks (approval, out-of-turn events) are never called after `close()` resolves.
 */

/** Which wire protocol an engine speaks. */
export type EngineProtocol = 'acp' | 'wire' | 'builtin';

/** What a tool call does; the set ACP uses for `tool_call.kind` (and omk's approval policy). */
export type ToolKind = 'read' | 'edit' | 'delete' | 'move' | 'search' | 'execute' | 'fetch' | 'think' | 'other';

/** Life of one tool call. `incomplete`: the turn ended while the call was still open (agent never closed it). */
export type ToolCallStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'incomplete';

// ------------------------------------------------------------------------------------------------
// Prompt input

/** One part of a prompt. Text always works; images and resources need the agent's capabilities. */
export type PromptPart =
  | { type: 'text'; text: string }
  | { type: 'image'; mimeType: string; /** base64 */ data: string; uri?: string }
  | { type: 'resource'; uri: string; text?: string; mimeType?: string }
  | { type: 'resource_link'; uri: string; name: string; mimeType?: string };

/** A prompt: a plain string is shorthand for one text part. */
export type PromptInput = string | PromptPart[];

// ------------------------------------------------------------------------------------------------
// Usage and cost

/**
 * Token counts. `input` is input **not** served from cache (so total input = input + cacheRead +
 * cacheWrite). `exact` is false when any part was estimated (ACP v1 reports only the context size,
 * so ACP adapters estimate unless the agent reports per-turn usage).
 */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Reasoning/thinking tokens when reported separately (already included in `output`). */
  reasoning?: number;
  exact: boolean;
}

/** Cumulative usage over a session, plus what it cost and the last known context window fill. */
export interface UsageTotals extends TokenUsage {
  /** Cost in USD from `pricing` (0 when no pricing was given), or as reported by the agent when it was. */
  costUsd: number;
  /** Tokens currently in the agent's context window, when reported (ACP `usage_update.used`). */
  contextUsed?: number;
  /** Size of the agent's context window, when reported (ACP `usage_update.size`). */
  contextSize?: number;
}

/**
 * Prices in USD per million tokens. Field names match `[engines.NAME].pricing` in config.toml, so the
 * config value can be passed as is. Missing cache prices fall back to `input_per_mtok`.
 */
export interface Pricing {
  input_per_mtok?: number;
  output_per_mtok?: number;
  /** Price of input tokens read from cache. @default input_per_mtok */
  cached_input_per_mtok?: number;
  /** Price of input tokens written to cache. @default input_per_mtok */
  cache_write_per_mtok?: number;
}

/** An empty usage record. */
export function zeroUsage(exact = true): TokenUsage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, exact };
}

/** `a + b`; the sum is exact only when both parts are. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    exact: a.exact && b.exact,
  };
  if (a.reasoning !== undefined || b.reasoning !== undefined) sum.reasoning = (a.reasoning ?? 0) + (b.reasoning ?? 0);
  return sum;
}

/** Cost in USD of `usage` at `pricing`; 0 without pricing. */
export function costOf(usage: TokenUsage, pricing: Pricing | undefined): number {
  if (!pricing) return 0;
  const input = pricing.input_per_mtok ?? 0;
  const perMillion =
    usage.input * input +
    usage.cacheRead * (pricing.cached_input_per_mtok ?? input) +
    usage.cacheWrite * (pricing.cache_write_per_mtok ?? input) +
    usage.output * (pricing.output_per_mtok ?? 0);
  return perMillion / 1_000_000;
}

// ------------------------------------------------------------------------------------------------
// Approval

/**
 * What the agent asks permission for. Structurally compatible with the approval policy's request
 * (`policy.check(request)`), so a policy can be passed straight in as `approve`.
 */
export interface ApprovalRequest {
  kind: ToolKind;
  /** The agent's one-line title; for display only, never trusted for the decision. */
  title?: string;
  /** The shell command, for `execute` (argv arrays are joined with spaces; `bash -lc X` gives `X`). */
  command?: string;
  /** Paths the call touches, as the agent gave them (ACP: absolute). */
  paths: string[];
  /** Working directory of an `execute`, when the agent said. */
  cwd?: string;
  /** The agent's raw tool input, untouched. */
  raw?: unknown;
  /** The protocol's tool-call id, when there is one. */
  toolCallId?: string;
  /** Protocol-level tool name when known (Wire `sender`, builtin tool name). */
  tool?: string;
}

/** The answer to an approval request. Matches the policy's `{ allow, rule, reason }`. */
export interface ApprovalOutcome {
  allow: boolean;
  /** Id of the rule that decided, for the event log. */
  rule?: string;
  /** One human sentence, may be shown to the agent as feedback. */
  reason?: string;
  /**
   * Allow (or reject) for the rest of the session when the protocol supports it. Off by default so
   * that every call goes through the policy.
   * @default false
   */
  always?: boolean;
}

/**
 * The approval callback. `signal` aborts when the turn is cancelled or the session closes; the
 * adapter then answers the agent with "cancelled" itself. A throw or rejection counts as a denial.
 */
export type ApproveFn = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalOutcome>;

// ------------------------------------------------------------------------------------------------
// Events

/** Shared fields of the three tool-call events: the call's current (merged) state. */
export interface ToolCallState {
  callId: string;
  kind: ToolKind;
  title: string;
  status: ToolCallStatus;
  /** Paths the call touches (ACP `locations[].path`, diff paths). */
  paths: string[];
  /** Shell command for `execute` calls, when known. */
  command?: string;
  rawInput?: unknown;
}

/** Diff content a tool call produced. */
export interface ToolDiff {
  path: string;
  oldText?: string;
  newText: string;
}

/** A normalised agent event. Every event is a past-tense fact about the turn. */
export type AgentEvent =
  | { type: 'text_delta'; text: string; messageId?: string }
  | { type: 'thinking_delta'; text: string; messageId?: string }
  /** A tool call appeared. */
  | ({ type: 'tool_call_started' } & ToolCallState)
  /** A tool call changed (status, title, streamed args, output so far). */
  | ({ type: 'tool_call_updated'; output?: string; diffs?: ToolDiff[]; rawOutput?: unknown } & ToolCallState)
  /**
   * A tool call reached a final status: `completed`, `failed`, `cancelled`, or `incomplete` (still
   * open when the turn ended; emitted by the adapter, not the agent).
   */
  | ({ type: 'tool_call_completed'; output?: string; diffs?: ToolDiff[]; rawOutput?: unknown } & ToolCallState)
  /** The approval callback answered (or the request was cancelled). */
  | {
      type: 'approval_resolved';
      request: ApprovalRequest;
      outcome: 'allowed' | 'denied' | 'cancelled';
      rule?: string;
      reason?: string;
    }
  /** The agent's plan; a full replacement each time. */
  | { type: 'plan'; entries: Array<{ content: string; status: string; priority?: string }> }
  /**
   * Usage news. `turn`: tokens of one model call or turn (exact or estimated); `context`: the context
   * window fill; `costUsd`: cost reported by the agent itself.
   */
  | { type: 'usage'; turn?: TokenUsage; context?: { used: number; size: number }; costUsd?: number; exact: boolean }
  | { type: 'mode_changed'; mode: string }
  /** Something a human may want to see (agent warnings, adapter diagnostics). */
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; text: string }
  /** A protocol message the adapter did not map (unknown update kinds, garbage lines). Kept for logs. */
  | { type: 'raw'; protocol: EngineProtocol; message: unknown };

export type AgentEventType = AgentEvent['type'];

// ------------------------------------------------------------------------------------------------
// Turns

/**
 * Why a turn ended.
 * - `end_turn`, `max_tokens`, `refusal`: as the agent said.
 * - `max_steps`: the agent hit its own step/turn-request limit (ACP `max_turn_requests`, Wire `max_steps_reached`).
 * - `cancelled`: `cancel()`, the prompt's `signal`, or `close()` during the turn.
 * - `error`: the agent answered the prompt with an error (see `error`).
 * - `crashed`: the agent process exited or the connection broke mid-turn (`error.message` has the stderr tail).
 * - `timeout`: an adapter-side turn timeout fired.
 */
export type StopReason = 'end_turn' | 'cancelled' | 'max_tokens' | 'max_steps' | 'refusal' | 'error' | 'crashed' | 'timeout';

/**
 * Stable `TurnError.code` values used by adapters. `agent_error` is an error answer from the agent
 * (its JSON-RPC code is in `protocolCode`); `busy` is a prompt sent while another turn was running.
 */
export type TurnErrorCode = 'agent_error' | 'protocol_error' | 'crashed' | 'busy' | 'closed' | 'timeout' | 'auth_required' | (string & {});

export interface TurnError {
  code: TurnErrorCode;
  message: string;
  /** Whether the same prompt may succeed if retried (rate limits, 5xx). @default false */
  retryable?: boolean;
  /** The protocol's own error code (JSON-RPC number, HTTP status), when there is one. */
  protocolCode?: number | string;
}

/** How a turn ended. */
export interface TurnResult {
  stopReason: StopReason;
  error?: TurnError;
  /** Tokens this turn used (exact or estimated; see `usage.exact`). */
  usage: TokenUsage;
  /** Cost in USD of this turn at the session's pricing (or as the agent reported). */
  costUsd: number;
  /** Ids of tool calls the agent left open; they were emitted as `tool_call_completed` with status `incomplete`. */
  incompleteToolCalls?: string[];
}

/**
 * One prompt's turn: iterate it for events (each event is yielded once; iteration ends after the
 * turn ends), and await `result`, which settles exactly once and never rejects. The two are
 * independent: a turn runs to completion whether or not anyone iterates; events are buffered for a
 * late iterator. Only one iterator per turn is supported.
 */
export interface AgentTurn extends AsyncIterable<AgentEvent> {
  readonly result: Promise<TurnResult>;
}

export interface PromptOptions {
  /** Aborting cancels the turn (same as `cancel()`); the result is `cancelled`. */
  signal?: AbortSignal;
}

// ------------------------------------------------------------------------------------------------
// Sessions

/** Who the session talks to. */
export interface AgentInfo {
  protocol: EngineProtocol;
  /** The omk engine name from config (`kimi`, `codex`, …). */
  engine: string;
  /** The agent's self-reported name (ACP `agentInfo.name`), or the engine name. */
  agentName: string;
  agentVersion?: string;
  /** e.g. `1` for ACP v1, `1.10` for Wire. */
  protocolVersion: string;
  /** The agent's capabilities as it reported them (unvalidated). */
  capabilities: Record<string, unknown>;
}

export type SessionState = 'idle' | 'prompting' | 'closed';

/** A live agent session. One turn at a time; `close()` from any state. */
export interface AgentSession {
  /** The protocol's session id (ACP `sessionId`, Wire session id, builtin uuid). */
  readonly id: string;
  readonly info: AgentInfo;
  /** The agent's process id, when the engine runs a child process; for supervision and tests. */
  readonly pid: number | undefined;
  readonly state: SessionState;
  /**
   * Starts a turn. Never throws: a prompt while another turn runs gives a turn whose result is
   * `error` with code `busy`; after close, `error` with code `closed`.
   */
  prompt(input: PromptInput, options?: PromptOptions): AgentTurn;
  /** Cancels the running turn (no-op when idle). Resolves once the cancel was sent, not when the turn ended. */
  cancel(): Promise<void>;
  /** Cumulative usage and cost over the session so far (late usage included). */
  usage(): UsageTotals;
  /**
   * Ends the session: cancels a running turn (its result becomes `cancelled` if not already settled),
   * stops the process (close stdin → SIGTERM group → grace → SIGKILL) and resolves once it is gone.
   * Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/** An MCP server the agent should connect to (passed through to ACP `session/new`, Wire, builtin). */
export type McpServerSpec =
  | { type?: 'stdio'; name: string; command: string; args?: string[]; env?: Record<string, string> }
  | { type: 'http' | 'sse'; name: string; url: string; headers?: Record<string, string> };

/** Options every adapter's `start…Session` accepts; adapters extend this with their launch details. */
export interface AgentSessionOptions {
  /** The omk engine name, used in errors and `info.engine` (e.g. `kimi`). */
  engine: string;
  /** Absolute working directory of the session (the worktree). File access is confined to it. */
  cwd: string;
  /** Asked for every tool call the agent wants permission for. */
  approve: ApproveFn;
  /** For cost. @default no pricing: cost 0 */
  pricing?: Pricing;
  /** MCP servers to pass to the agent. @default [] */
  mcpServers?: McpServerSpec[];
  /**
   * Events that arrive while no turn is running (late `usage_update`, background notices). Usage is
   * also folded into `usage()`. A throw is ignored.
   */
  onOutOfTurnEvent?: (event: AgentEvent) => void;
  /** Aborting while the session starts rejects the start and stops the process. */
  signal?: AbortSignal;
}

/** Every adapter module exports a function of this shape. */
export type StartSession<O extends AgentSessionOptions = AgentSessionOptions> = (options: O) => Promise<AgentSession>;
