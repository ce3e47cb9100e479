import type { AgentSession, AgentSessionOptions, McpServerSpec, PromptInput, TurnError } from '../session.js';
import type { Transport } from '../transport/transport.js';

/** The Wire protocol version omk understands (events up to `StepRetry`, `PlanDisplay`, `Btw*`). */
export const WIRE_PROTOCOL_VERSION = '1.10';
/** What we record as the agent's version when it answers `initialize` with -32601 (initialize came in 1.1). */
export const LEGACY_WIRE_PROTOCOL_VERSION = '1.0';
/** How long the agent has to answer `initialize`. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
/** How long after `cancel` we wait for the prompt's `cancelled` answer before settling the turn anyway. */
export const DEFAULT_CANCEL_TIMEOUT_MS = 10_000;
/** How long `cancel`, `steer` and `set_plan_mode` may take to be answered. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 10_000;
/** Shown when the binary is missing. */
export const DEFAULT_INSTALL_HINT =
  'Install the legacy Kimi CLI (`uv tool install kimi-cli`, or `pipx install kimi-cli`) or kimi-agent, ' +
  'or set the engine\'s command to the full path of a binary that speaks `--wire`.';

/** Capabilities we declare in `initialize`. */
export interface WireClientCapabilities {
  /**
   * Shows the `AskUserQuestion` tool to the model. omk has no one to ask, so questions are answered
   * "dismissed"; leave this off unless something upstream can answer.
   * @default false
   */
  supports_question?: boolean;
  /**
   * Shows the `EnterPlanMode`/`ExitPlanMode` tools to the model. `setPlanMode()` works either way.
   * @default false
   */
  supports_plan_mode?: boolean;
}

export interface WireSessionOptions extends AgentSessionOptions {
  /** The Wire binary (`kimi`, `kimi-agent`, or a full path). Looked up on the agent's PATH. @default 'kimi' */
  command?: string;
  /**
   * The whole argv. @default `defaultWireArgs(…)`: `--wire --work-dir CWD --session ID` plus
   * `--model`, `--thinking`/`--no-thinking`, `--plan`, `--max-steps-per-turn`, `--mcp-config` when set.
   */
  args?: string[];
  /** Appended to the default args (ignored when `args` is given). @default [] */
  extraArgs?: string[];
  /**
   * Session id: passed as `--session`, which resumes the session or creates it with this id.
   * @default a fresh UUID
   */
  sessionId?: string;
  /** `--model NAME` (a key of `models` in the CLI's config). @default the CLI's default */
  model?: string;
  /** `--thinking` / `--no-thinking`. @default the CLI's saved state */
  thinking?: boolean;
  /** `--plan`: start in plan mode. @default false */
  planMode?: boolean;
  /** `--max-steps-per-turn N`. @default the CLI's default */
  maxStepsPerTurn?: number;
  /** Variables set for the agent; they win over `passEnv`. `KIMI_CLI_NO_AUTO_UPDATE=1` is always set. */
  env?: Record<string, string>;
  /**
   * Names passed through from `sourceEnv` on top of the base set (PATH, HOME, LANG…); a trailing `*`
   * matches a prefix (`KIMI_*`).
   * @default []
   */
  passEnv?: string[];
  /** @default process.env */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
  /** Shown when the binary is missing. @default DEFAULT_INSTALL_HINT */
  installHint?: string;
  /** @default 30000 (DEFAULT_HANDSHAKE_TIMEOUT_MS) */
  handshakeTimeoutMs?: number;
  /** @default 10000 (DEFAULT_CANCEL_TIMEOUT_MS) */
  cancelTimeoutMs?: number;
  /** @default 10000 (DEFAULT_CONTROL_TIMEOUT_MS) */
  controlTimeoutMs?: number;
  /**
   * A turn still running after this long is cancelled and ends with stop reason `timeout`.
   * @default no limit
   */
  turnTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when stopping the agent. @default 2000 */
  graceMs?: number;
  /** @default {} (no questions, no plan-mode tools) */
  capabilities?: WireClientCapabilities;
  /** Sent as `client` in `initialize`. @default { name: 'omk', version: '0.0.0' } */
  clientInfo?: { name: string; version: string };
  /** Record every message both ways to this transcript (JSONL); see transport/transcript.ts. */
  transcriptFile?: string;
  /** Talk over this transport instead of spawning `command` (replay, in-memory peers). */
  transport?: Transport;
  /** Every chunk of the agent's stderr (for a log). A throw is ignored. */
  onStderr?: (chunk: string) => void;
}

/** The outcome of a Wire control call (`steer`, `set_plan_mode`): data, never a throw. */
export type WireControlResult<T extends object = object> = ({ ok: true } & T) | { ok: false; error: TurnError };

/** A Wire session: the common interface plus Wire's own turn controls. */
export interface WireSession extends AgentSession {
  /**
   * Injects more input into the running turn (after the current step; the agent then emits
   * `SteerInput`). Fails with code `no_turn` when no turn is running.
   */
  steer(input: PromptInput): Promise<WireControlResult>;
  /** Turns plan mode on or off (`set_plan_mode`); the agent confirms with a `mode_changed` event. */
  setPlanMode(enabled: boolean): Promise<WireControlResult<{ planMode: boolean }>>;
  /** Last known plan mode (from `--plan`, `set_plan_mode` or `StatusUpdate.plan_mode`). */
  readonly planMode: boolean;
}

/** The default argv (protocols.md §1.1): `--wire --work-dir DIR --session ID` and the optional flags. */
export function defaultWireArgs(options: {
  cwd: string;
  sessionId: string;
  model?: string;
  thinking?: boolean;
  planMode?: boolean;
  maxStepsPerTurn?: number;
  mcpServers?: McpServerSpec[];
  extraArgs?: string[];
}): string[] {
  const args = ['--wire', '--work-dir', options.cwd, '--session', options.sessionId];
  if (options.model !== undefined) args.push('--model', options.model);
  if (options.thinking !== undefined) args.push(options.thinking ? '--thinking' : '--no-thinking');
  if (options.planMode) args.push('--plan');
  if (options.maxStepsPerTurn !== undefined) args.push('--max-steps-per-turn', String(options.maxStepsPerTurn));
  if (options.mcpServers && options.mcpServers.length > 0) args.push('--mcp-config', JSON.stringify(mcpConfigOf(options.mcpServers)));
  args.push(...(options.extraArgs ?? []));
  return args;
}

/** Our MCP server specs → the CLI's `--mcp-config` JSON (`{"mcpServers":{name:{…}}}`, the common MCP config shape). */
export function mcpConfigOf(servers: McpServerSpec[]): { mcpServers: Record<string, Record<string, unknown>> } {
  const mcpServers: Record<string, Record<string, unknown>> = {};
  for (const spec of servers) {
    if ('url' in spec) {
      mcpServers[spec.name] = { url: spec.url, transport: spec.type === 'sse' ? 'sse' : 'http', ...(spec.headers ? { headers: spec.headers } : {}) };
    } else {
      mcpServers[spec.name] = { command: spec.command, args: spec.args ?? [], ...(spec.env ? { env: spec.env } : {}) };
    }
  }
  return { mcpServers };
}
