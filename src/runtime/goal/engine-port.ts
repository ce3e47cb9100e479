import type { ApprovalRequest } from '../../core/approval/types.js';
import type { TurnTokens } from '../cost/ledger.js';
import type { LiveActivity } from '../../core/feed/feed.js';

/**
 * How the goal driver reaches agents. runtime may not import engines (layers), so the CLI hands
 * the driver an implementation over the engine registry (src/cli/commands/goal/engine-port.ts) and
 * tests may hand it anything that keeps this contract.
 */
/** Planners and reviewers run read-only (`plan`); only executors write. */
export type AgentRole = 'planner' | 'executor' | 'reviewer';

export interface AgentTurnRequest {
  role: AgentRole;
  /** Absolute: the repository root for the planner, the task's worktree for an executor, the integration worktree for a reviewer. */
  cwd: string;
  prompt: string;
  /** `plan` (read-only) for planners and reviewers, `auto` (confined to cwd) for executors. */
  mode: 'plan' | 'auto';
  /** Every tool call the agent asks permission for. A throw counts as a denial. */
  approve: (request: ApprovalRequest, signal: AbortSignal) => Promise<{ allow: boolean; rule?: string; reason?: string }>;
  /** Where this turn's transcript goes (JSONL; created with its directory). */
  transcriptFile: string;
  signal: AbortSignal;
  /** Progress for humans (a tool call started, a denial); never evidence. */
  onActivity?: (line: string) => void;
  /** Live activity for the goal feed (streamed text, tool calls, approvals, usage), redacted by the port. */
  onLive?: (activity: LiveActivity) => void;
  /**
   * The turn's usage so far (cumulative), each time the engine reports some: after every model call for
   * the builtin and Wire engines, only at the end of the turn for ACP agents. The budget's between-turn
   * check (turn-guard.ts) listens here and aborts `signal` when the turn must stop.
   */
  onUsage?: (cumulative: TurnUsageSoFar) => void;
}

/** A turn's tokens so far, and their cost when the engine prices them. */
export type TurnUsageSoFar = TurnTokens & { costUsd?: number };

export type AgentTurnOutcome =
  | {
      started: true;
      /** `end_turn` when the agent finished normally. */
      stopReason: string;
      errorMessage?: string;
      /** The agent's final text. */
      text: string;
      usage: TurnTokens;
      costUsd: number;
      model: string | undefined;
    }
  | {
      started: false;
      /** Why no session could start: a missing binary or key is `credentials`/`other`, not an omk failure. */
      kind: 'credentials' | 'network' | 'service' | 'other';
      detail: string;
    };

export interface EnginePort {
  /** The engine's name (recorded in events and the cost ledger). */
  readonly name: string;
  /** One session, one prompt, closed afterwards. Never throws for anything the agent does. */
  runTurn(request: AgentTurnRequest): Promise<AgentTurnOutcome>;
}
