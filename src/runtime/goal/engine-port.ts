import type { ApprovalRequest } from '../../core/approval/types.js';
import type { TurnTokens } from '../cost/ledger.js';

/**
 * How the goal driver reaches agents. runtime may not import engines (layers), so the CLI hands
 * the driver an implementation over the engine registry (src/cli/commands/goal/engine-port.ts) and
 * tests may hand it anything that keeps this contract.
 */
export type AgentRole = 'planner' | 'executor';

export interface AgentTurnRequest {
  role: AgentRole;
  /** Absolute: the repository root for the planner, the task's worktree for an executor. */
  cwd: string;
  prompt: string;
  /** `plan` (read-only) for planners, `auto` (confined to cwd) for executors. */
  mode: 'plan' | 'auto';
  /** Every tool call the agent asks permission for. A throw counts as a denial. */
  approve: (request: ApprovalRequest, signal: AbortSignal) => Promise<{ allow: boolean; rule?: string; reason?: string }>;
  /** Where this turn's transcript goes (JSONL; created with its directory). */
  transcriptFile: string;
  signal: AbortSignal;
  /** Progress for humans (a tool call started, a denial); never evidence. */
  onActivity?: (line: string) => void;
}

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
