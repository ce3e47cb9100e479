import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ApprovalMode } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import type { AcpSessionOptions } from '../acp/index.js';
import type { BuiltinSessionOptions } from '../builtin/index.js';
import type { AgentEvent, AgentSession, ApproveFn, McpServerSpec } from '../session.js';
import type { WireSessionOptions } from '../wire/index.js';
import { engineAvailability } from './availability.js';
import type { EngineSpec } from './resolve.js';

export interface StartEngineOptions {
  /** Absolute working directory of the session (repo root, worktree). */
  cwd: string;
  /** Every tool call the agent asks permission for; usually `policy.check` of the approval policy. */
  approve: ApproveFn;
  /** omk's environment: the key lookup, PATH, and the source of `passEnv` variables. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The approval mode the session runs under. `plan` also makes the builtin engine offer only its
   * read tools (the policy denies writes for the others either way).
   * @default 'auto'
   */
  mode?: ApprovalMode;
  /** Offer only read tools (builtin). @default mode === 'plan' */
  readOnly?: boolean;
  /** Aborting while the session starts rejects the start (`interrupted`) and stops the process. */
  signal?: AbortSignal;
  /** Record every protocol message to this JSONL file (ACP and Wire). */
  transcriptFile?: string;
  /** How long the agent has to answer the handshake. @default the adapter's (30 s) */
  handshakeTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when stopping the agent. @default the adapter's (2 s) */
  graceMs?: number;
  mcpServers?: McpServerSpec[];
  onOutOfTurnEvent?: (event: AgentEvent) => void;
  /** The agent's stderr (ACP, Wire), e.g. for a log file. */
  onStderr?: (chunk: string) => void;
  /** builtin only: the `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Starts a session on the engine `spec` describes, through the adapter for its protocol. Throws
 * `OmkError`: `binary_missing` naming the engine, the command and how to install or configure it;
 * `config_invalid` (builtin without a key or model); `failed` (handshake); `interrupted` (signal).
 */
export async function startEngineSession(spec: EngineSpec, options: StartEngineOptions): Promise<AgentSession> {
  if (!path.isAbsolute(options.cwd)) throw new OmkError('internal', `engine ${spec.name}: cwd must be absolute, got ${options.cwd}`);
  const common = {
    engine: spec.name,
    cwd: options.cwd,
    approve: options.approve,
    ...(spec.pricing ? { pricing: spec.pricing } : {}),
    ...(options.mcpServers ? { mcpServers: options.mcpServers } : {}),
    ...(options.onOutOfTurnEvent ? { onOutOfTurnEvent: options.onOutOfTurnEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  if (spec.protocol === 'openai') {
    const builtin: BuiltinSessionOptions = {
      ...common,
      model: spec.model ?? '',
      env: options.env,
      readOnly: options.readOnly ?? options.mode === 'plan',
      bash: { envNames: spec.passEnv },
      ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
      ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    // Adapters load on use: `omk engines list` and other callers never pay for the agent SDKs.
    const { startBuiltinSession } = await import('../builtin/index.js');
    return startBuiltinSession(builtin);
  }

  const command = requireBinary(spec, options);
  const launch = {
    command,
    env: spec.env,
    passEnv: spec.passEnv,
    sourceEnv: options.env,
    installHint: spec.installHint,
    ...(options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
    ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    ...(options.transcriptFile ? { transcriptFile: options.transcriptFile } : {}),
    ...(options.onStderr ? { onStderr: options.onStderr } : {}),
  };
  if (spec.protocol === 'wire') {
    const { defaultWireArgs, startWireSession } = await import('../wire/index.js');
    const sessionId = randomUUID();
    // `--wire` may be written in args (the preset does); omk adds its own flags after them.
    const prefix = spec.args.filter((a) => a !== '--wire');
    const wire: WireSessionOptions = {
      ...common,
      ...launch,
      sessionId,
      args: [...prefix, ...defaultWireArgs({ cwd: options.cwd, sessionId, ...(spec.model ? { model: spec.model } : {}), ...(options.mcpServers ? { mcpServers: options.mcpServers } : {}) })],
    };
    return startWireSession(wire);
  }
  const { kimiCodeUsageReader, startAcpSession } = await import('../acp/index.js');
  const acp: AcpSessionOptions = { ...common, ...launch, args: spec.args, serveFs: spec.serveFs };
  const kimiHome = kimiCodeHome(spec, options.env);
  if (kimiHome) acp.usageReader = kimiCodeUsageReader(kimiHome);
  return startAcpSession(acp);
}

/** The binary's path, or `binary_missing` naming the engine, the command and the fix. */
function requireBinary(spec: EngineSpec, options: StartEngineOptions): string {
  const command = spec.command;
  if (command === undefined || command === '') {
    throw new OmkError('config_invalid', `engine \`${spec.name}\`: no command configured`, {
      hint: `set [engines.${spec.name}].command to the agent's executable`,
    });
  }
  const found = engineAvailability(spec, options.env, options.cwd);
  if (!found.installed) {
    throw new OmkError('binary_missing', `engine \`${spec.name}\`: ${found.detail} (command \`${[command, ...spec.args].join(' ')}\`)`, {
      hint: spec.installHint,
    });
  }
  return command;
}

/** Kimi Code keeps exact per-turn usage in its home; read it when we know where that is. */
function kimiCodeHome(spec: EngineSpec, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (spec.protocol !== 'acp' || path.basename(spec.command ?? '') !== 'kimi' || spec.args[0] !== 'acp') return undefined;
  return spec.env.KIMI_CODE_HOME ?? env.KIMI_CODE_HOME;
}
