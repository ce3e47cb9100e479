/**
 * The chat REPL's data model (docs/chat.md): what the router decides, the events a turn of the chat
 * produces, and what the conversation keeps. Pure types; the session that produces them is
 * `src/app/chat/`, the views that render them are `src/tui/chat/` and the no-TTY printer in the CLI.
 * Stable: add fields and event types, never reshape one.
 */

export const ROUTES = ['trivial', 'small', 'medium', 'large'] as const;
/** How much machinery a request needs: an answer, one checked edit, a short plan, a goal. */
export type Route = (typeof ROUTES)[number];

/**
 * Where a decision came from: the heuristic, the model, the cache of earlier model answers, the
 * heuristic after the model failed (`fallback`), or the user (`/quick`, `/escalate`, a downgrade).
 */
export type DecisionSource = 'heuristic' | 'model' | 'cache' | 'fallback' | 'forced';

export interface RouteDecision {
  route: Route;
  /** 0..1. */
  confidence: number;
  /** One line, for a human. */
  reason: string;
  source: DecisionSource;
  /** Time the decision took (0 for a cache hit or a forced route). */
  latency_ms: number;
}

/** What the router asks before acting (SPEC "Chat REPL": preflight). */
export type PreflightKind = 'low_confidence_first_prompt' | 'low_confidence' | 'protected_path' | 'many_files';
export type PreflightAnswer = 'accept' | 'downgrade' | 'explain' | 'cancel';
/** An agent's tool call in `ask` approval mode. */
export type ToolApprovalAnswer = 'y' | 'n' | 'always';

export type ApprovalRequest =
  | {
      id: string;
      kind: 'preflight';
      preflight: PreflightKind;
      question: string;
      options: readonly PreflightAnswer[];
      /** After this long the default answer is taken. */
      timeout_ms: number;
      default: PreflightAnswer;
    }
  | {
      id: string;
      kind: 'tool';
      /** `edit: src/a.ts`, `execute: npm test`. */
      question: string;
      options: readonly ToolApprovalAnswer[];
      timeout_ms: number;
      default: ToolApprovalAnswer;
    };

export type GateState = 'pending' | 'running' | 'passed' | 'failed';

export interface GateStatus {
  name: string;
  state: GateState;
}

export type StepState = 'pending' | 'running' | 'done' | 'failed';

export interface PlanStep {
  id: string;
  title: string;
  state: StepState;
}

/** A checked edit waiting for the user's accept/reject (small and medium routes). */
export interface PendingDiff {
  /** The branch the edit was committed on (`omk/chat/<session>/<n>`); kept when the user keeps it. */
  branch: string;
  /** The commit on that branch. */
  commit: string;
  /** The working branch the edit lands on when accepted. */
  target: string;
  files: string[];
  /** `git diff` of the edit, as text. */
  diff: string;
  gates: GateStatus[];
  /** Every gate passed (or there were none). */
  gates_ok: boolean;
}

/** The end of one request. `kind` says what happened; the route that handled it is in `route`. */
export type ChatOutcome =
  | { kind: 'answered'; route: 'trivial'; text: string }
  /** A checked edit is ready; `accept()` applies it, `reject()` drops it, `accept({ keep: true })` keeps the branch only. */
  | { kind: 'diff_ready'; route: 'small' | 'medium'; diff: PendingDiff }
  | { kind: 'no_change'; route: 'small' | 'medium'; text: string }
  /** A large request: the child goal reached a verdict (or is still running when the session detached). */
  | { kind: 'goal'; route: 'large'; goal_id: string; status: string; proof: string | null }
  | { kind: 'refused'; route: Route | null; reason: string; fix: string }
  | { kind: 'cancelled'; route: Route | null; reason: string }
  | { kind: 'failed'; route: Route | null; reason: string };

export type ChatMode = 'idle' | 'answer' | 'edit' | 'plan' | 'goal';

/** Everything a request produces, in order. `send()` yields these; the pane reducer folds them. */
export type ChatEvent =
  | { type: 'route'; decision: RouteDecision }
  /** The router went ahead without asking, and says so (or a preflight was accepted). */
  | { type: 'proceeding'; route: Route; message: string }
  | { type: 'approval_needed'; request: ApprovalRequest }
  | { type: 'approval_answered'; id: string; answer: PreflightAnswer | ToolApprovalAnswer; timed_out: boolean }
  | { type: 'mode'; mode: ChatMode; goal_id?: string }
  /** Streamed answer text. */
  | { type: 'text'; text: string }
  /** A tool call or notice of the agent at work, one line. */
  | { type: 'activity'; line: string }
  | { type: 'worker'; worker_id: string; task: string; state: 'started' | 'completed' | 'failed'; at: string }
  | { type: 'plan'; steps: PlanStep[] }
  | { type: 'gate'; gate: GateStatus; goal_id?: string }
  | { type: 'diff_ready'; diff: PendingDiff }
  /** The pending edit was applied, kept on its branch, or dropped. */
  | { type: 'diff_resolved'; resolution: 'applied' | 'kept' | 'rejected'; branch: string; commit: string | null }
  | { type: 'goal_created'; goal_id: string }
  /** A one-line summary of a child goal's event, from the goal feed. */
  | { type: 'goal_event'; goal_id: string; seq: number; event_type: string; summary: string }
  | { type: 'proof_ready'; goal_id: string; status: string; path: string }
  | { type: 'cost'; tokens_in: number; tokens_out: number; usd: number }
  /** Something the user must see (the soft cost cap, an unwritable session directory). */
  | { type: 'warning'; message: string }
  /** Output of a slash command, as plain lines. */
  | { type: 'info'; lines: string[] }
  | { type: 'escalation'; kind: string; summary: string; at: string }
  | { type: 'result'; outcome: ChatOutcome };

export type ChatEventType = ChatEvent['type'];

/** One line of `conversation.jsonl`. */
export interface ConversationEntry {
  ts: string;
  role: 'user' | 'assistant' | 'system';
  text: string;
  /** The route that answered (assistant lines). */
  route?: Route;
  goal_id?: string;
}

/** `meta.json` of a session. */
export interface SessionMeta {
  schema_version: 1;
  session_id: string;
  started_at: string;
  last_activity: string;
  project_root: string;
  engine: string | null;
  /** Child goals started from this session (newest last). */
  goals: string[];
  /** Session spending so far (answers, edits, plans, goals), for the cost caps. */
  cost: { tokens_in: number; tokens_out: number; usd: number };
  /** Whether the soft-cap warning was already given. */
  soft_cap_warned: boolean;
}
