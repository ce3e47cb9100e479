import type { AgentSessionOptions, TokenUsage } from '../session.js';
import type { Transport } from '../transport/transport.js';

/** How long the agent has to answer `initialize` and `session/new`. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
/** How long after `session/cancel` we wait for the agent's `cancelled` answer before settling anyway. */
export const DEFAULT_CANCEL_TIMEOUT_MS = 10_000;
/** How long a `usageReader` may take at the end of a turn. */
export const USAGE_READER_TIMEOUT_MS = 2_000;

/**
 * Exact per-turn usage from somewhere other than the protocol (kimi-code's session log, for one).
 * Returns the tokens of turns finished since the last call, or undefined when it cannot tell.
 */
export type UsageReader = (context: { sessionId: string; turn: number; signal: AbortSignal }) => Promise<TokenUsage | undefined>;

export interface AcpSessionOptions extends AgentSessionOptions {
  /** The agent's binary (not an npm wrapper script). Required unless `transport` is given. */
  command?: string;
  /** @default [] */
  args?: string[];
  /** Variables set for the agent; they win over `passEnv`. */
  env?: Record<string, string>;
  /**
   * Names of variables passed through from `sourceEnv` on top of the base set (PATH, HOME, LANG…);
   * a trailing `*` matches a prefix (`KIMI_*`).
   * @default []
   */
  passEnv?: string[];
  /** @default process.env */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  /** Shown when the binary is missing, e.g. `npm i -g @moonshot-ai/kimi-code`. */
  installHint?: string;
  /** @default 30000 (DEFAULT_HANDSHAKE_TIMEOUT_MS) */
  handshakeTimeoutMs?: number;
  /** @default 10000 (DEFAULT_CANCEL_TIMEOUT_MS) */
  cancelTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when stopping the agent. @default 2000 */
  graceMs?: number;
  /** Record every message both ways to this transcript (JSONL); see transport/transcript.ts. */
  transcriptFile?: string;
  /** Talk over this transport instead of spawning `command` (replay, in-memory peers). */
  transport?: Transport;
  /** Exact usage source consulted at each turn end (see kimi-code.ts). */
  usageReader?: UsageReader;
  /**
   * Advertise and serve `fs/read_text_file` / `fs/write_text_file` (confined to `cwd`, writes approved as
   * edits). Off, the agent reads and writes the disk itself and omk sees its edits only through its
   * permission requests: for agents that mishandle the client's error answers (Gemini CLI cannot create a
   * file through a client that answers a read of a missing file with an error). @default true
   */
  serveFs?: boolean;
  /** Sent as `clientInfo`. @default { name: 'omk', version: '0.0.0' } */
  clientInfo?: { name: string; version: string };
  /** Every chunk of the agent's stderr (for a log). A throw is ignored. */
  onStderr?: (chunk: string) => void;
}
