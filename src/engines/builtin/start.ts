import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describeError, OmkError } from '../../core/errors.js';
import { allowlistEnv } from '../../runtime/process/index.js';
import type {
  AgentInfo,
  AgentSession,
  AgentTurn,
  PromptInput,
  PromptOptions,
  SessionState,
  StartSession,
  TokenUsage,
  TurnResult,
  UsageTotals,
} from '../session.js';
import { addUsage, costOf, zeroUsage } from '../session.js';
import { type ChatMessage, defaultSystemPrompt, userMessage } from './messages.js';
import { type BuiltinSessionOptions, resolveOptions, type ResolvedOptions } from './options.js';
import { TurnChannel } from '../turn-channel.js';
import { runTurn } from './turn-loop.js';
import { Confinement } from './tools/confine.js';
import { McpToolset } from './tools/mcp-tools.js';
import { type ToolDefinition, toolDefinitions } from './tools/schemas.js';

/** `info.protocolVersion` of builtin sessions. */
export const BUILTIN_PROTOCOL_VERSION = 'openai-chat-completions';

/**
 * Starts a builtin session: omk's own agent loop over an OpenAI-compatible Chat Completions API
 * (Moonshot's Kimi API by default). Nothing is contacted until the first prompt. Throws `OmkError`
 * when the options cannot work (no model, no API key, `cwd` not a directory, already aborted).
 */
export const startBuiltinSession: StartSession<BuiltinSessionOptions> = async (options) => {
  if (options.signal?.aborted) throw new OmkError('interrupted', `engine ${options.engine}: start was cancelled`);
  const resolved = resolveOptions(options);
  if (!path.isAbsolute(options.cwd)) {
    throw new OmkError('usage', `engine ${options.engine}: the session directory must be absolute, got "${options.cwd}"`);
  }
  const info = await stat(options.cwd).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new OmkError('not_found', `engine ${options.engine}: the session directory ${options.cwd} does not exist or is not a directory`);
  }
  // The configured MCP servers' tools, for sessions that may act (a read-only session offers only its read tools).
  const notices: string[] = [];
  const mcp =
    options.mcpServers && options.mcpServers.length > 0 && !resolved.readOnly
      ? await McpToolset.connect(options.mcpServers, { cwd: options.cwd, env: resolved.env, ...(options.signal ? { signal: options.signal } : {}) }, (m) => notices.push(`${m} (its tools are not offered)`))
      : undefined;
  return new BuiltinSession(options, resolved, mcp, notices);
};

class BuiltinSession implements AgentSession {
  readonly id = randomUUID();
  readonly pid = undefined;
  readonly info: AgentInfo;
  private readonly messages: ChatMessage[];
  private readonly tools: ToolDefinition[];
  private readonly confinement: Confinement;
  private readonly bashEnv: Record<string, string>;
  private totals: TokenUsage = zeroUsage(true);
  private costUsd = 0;
  private current: { controller: AbortController; done: Promise<void> } | undefined;
  private closed = false;

  constructor(
    private readonly options: BuiltinSessionOptions,
    private readonly resolved: ResolvedOptions,
    private readonly mcp: McpToolset | undefined,
    private notices: string[],
  ) {
    this.tools = [...toolDefinitions(resolved.readOnly), ...(mcp?.definitions() ?? [])];
    this.confinement = new Confinement(path.resolve(options.cwd));
    this.bashEnv = allowlistEnv(resolved.env, resolved.bashEnvNames);
    this.messages = [{ role: 'system', content: resolved.systemPrompt ?? defaultSystemPrompt(options.cwd, resolved.readOnly) }];
    this.info = {
      protocol: 'builtin',
      engine: options.engine,
      agentName: options.engine,
      protocolVersion: BUILTIN_PROTOCOL_VERSION,
      capabilities: {
        baseUrl: resolved.baseUrl,
        model: resolved.model,
        readOnly: resolved.readOnly,
        tools: this.tools.map((t) => t.function.name),
      },
    };
  }

  get state(): SessionState {
    if (this.closed) return 'closed';
    return this.current ? 'prompting' : 'idle';
  }

  prompt(input: PromptInput, promptOptions: PromptOptions = {}): AgentTurn {
    const channel = new TurnChannel();
    if (this.closed) {
      channel.settle(refused('closed', 'the session is closed'));
      return channel;
    }
    if (this.current) {
      channel.settle(refused('busy', 'another turn is still running; wait for it or cancel it'));
      return channel;
    }
    const controller = new AbortController();
    const external = promptOptions.signal;
    const onExternalAbort = (): void => controller.abort(external?.reason);
    if (external?.aborted) controller.abort(external.reason);
    else external?.addEventListener('abort', onExternalAbort, { once: true });

    this.messages.push(userMessage(input));
    for (const text of this.notices.splice(0)) channel.push({ type: 'notice', level: 'warn', text });
    const finish = (result: TurnResult): void => {
      external?.removeEventListener('abort', onExternalAbort);
      this.current = undefined;
      channel.settle(result);
    };
    const done = runTurn({
      options: this.resolved,
      engine: this.options.engine,
      sessionId: this.id,
      messages: this.messages,
      tools: this.tools,
      toolContext: {
        confinement: this.confinement,
        signal: controller.signal,
        bashEnv: this.bashEnv,
        ...(this.resolved.bashWrap ? { bashWrap: this.resolved.bashWrap } : {}),
        bashTimeoutMs: this.resolved.bashTimeoutMs,
        ...(this.mcp ? { mcp: this.mcp } : {}),
      },
      approve: this.options.approve,
      pricing: this.options.pricing,
      signal: controller.signal,
      emit: (event) => channel.push(event),
      onUsage: (usage) => {
        this.totals = addUsage(this.totals, usage);
        this.costUsd += costOf(usage, this.options.pricing);
      },
    }).then(finish, (error: unknown) => finish({ ...refused('internal', `builtin loop failed: ${describeError(error)}`) }));
    this.current = { controller, done };
    return channel;
  }

  cancel(): Promise<void> {
    this.current?.controller.abort(new Error('cancelled'));
    return Promise.resolve();
  }

  usage(): UsageTotals {
    return { ...this.totals, costUsd: this.costUsd };
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    if (current) {
      current.controller.abort(new Error('session closed'));
      await current.done;
    }
    await this.mcp?.close();
  }
}

function refused(code: string, message: string): TurnResult {
  return { stopReason: 'error', error: { code, message }, usage: zeroUsage(true), costUsd: 0 };
}
