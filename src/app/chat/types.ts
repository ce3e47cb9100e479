import type {
  ChatEvent,
  ConversationEntry,
  PendingDiff,
  PreflightAnswer,
  Route,
  RouteDecision,
  SessionMeta,
  ToolApprovalAnswer,
} from '../../core/chat/types.js';
import type { PaneState } from '../../core/chat/pane.js';
import type { AppContext } from '../context.js';

export type * from '../../core/chat/types.js';
export type { PaneState, PaneWorker } from '../../core/chat/pane.js';

/**
 * The chat session every chat surface drives (the Ink REPL, `omk chat --print`, piped stdin):
 * `openChat(ctx, options)` in `src/app/chat/index.ts`. docs/chat.md describes routes and files.
 *
 * One request at a time: `send(text)` routes it and returns its events as an async iterable that
 * ends after the `result` event. While it runs, `cancel()` stops it (the agent's process included),
 * `answerApproval()` answers an `approval_needed` event, and slash commands that only read
 * (`/cost`, `/goals`, `/show`, `/diff`, `/sessions`, `/classify`) may be run. A `diff_ready` result
 * waits for `accept()` or `reject()`; nothing is written to the working branch before `accept()`.
 */
export interface ChatSession {
  readonly id: string;
  /** `<state>/omk/sessions/<id>/`. */
  readonly dir: string;
  /** The conversation so far (restored on resume). */
  history(): readonly ConversationEntry[];
  meta(): SessionMeta;
  /** The pane as it stands: every event of every request folded, plus the child goals' views. */
  pane(): PaneState;
  /** Called with every event, whichever request or command produced it, and the goal views' updates. */
  onEvent(listener: (event: ChatEvent) => void): () => void;

  /** Routes and runs one free-text request. `route` forces it (`/quick` = small, `/escalate` = large). */
  send(text: string, opts?: { route?: Route }): AsyncIterable<ChatEvent>;
  /** Dry run of the router (`/classify`). Never runs anything. */
  classify(text: string): Promise<RouteDecision>;
  /**
   * A slash command line (`/cost`, `/quick fix x`, …): its events, ending with an `info` or a `result`.
   * Unknown commands yield an `info` naming `/help`.
   */
  command(line: string): AsyncIterable<ChatEvent>;
  /** Stops the running request. Resolves when its agent process is gone. */
  cancel(reason?: string): Promise<void>;
  /** The edit waiting for a decision, if any. */
  pendingDiff(): PendingDiff | null;
  /** Applies the pending edit to the working branch (`keep`: leaves it on its branch only). */
  accept(opts?: { keep?: boolean }): Promise<ChatEvent>;
  /** Drops the pending edit (its branch is deleted). */
  reject(): Promise<ChatEvent>;
  /** Answers the open `approval_needed` request with this id. Unknown or answered ids are ignored. */
  answerApproval(id: string, answer: PreflightAnswer | ToolApprovalAnswer): void;
  /** Drains the logs, detaches from child goals (they keep running), closes the session. Idempotent. */
  close(): Promise<void>;
}

export interface OpenChatOptions {
  /** Resume this session id (its conversation, and the child goals still running). */
  session?: string;
  /** Start a new session even when one exists for this repository. @default false: resume the latest one of this project only when `session` is set */
  new?: boolean;
  /** The engine for answers, edits and plans (`--engine`). @default config `defaults.engine` */
  engine?: string;
  /**
   * Answers preflight and tool approval questions without a human (`--yes`: accept; no TTY:
   * the configured default). When absent, questions are emitted as `approval_needed` and wait
   * for `answerApproval()` until their timeout.
   */
  autoAnswer?: 'accept' | 'default';
}

/**
 * The seam to the Ink REPL: `src/tui/chat/main.ts` exports `runChatTui` with this signature, and
 * `omk chat` on a TTY imports it lazily. It opens the session itself with `openChat(ctx, options)`
 * and returns the command's exit status.
 */
export type RunChatTui = (ctx: AppContext, options: OpenChatOptions) => Promise<number>;
