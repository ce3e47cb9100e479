import { client, RequestError } from '@agentclientprotocol/sdk';
import type { AnyMessage, ClientConnection } from '@agentclientprotocol/sdk';
import { describeError } from '../../core/errors.js';
import type {
  AgentEvent,
  AgentInfo,
  AgentSession,
  AgentTurn,
  ApprovalRequest,
  PromptInput,
  PromptOptions,
  SessionState,
  StopReason,
  TokenUsage,
  TurnError,
  TurnResult,
  UsageTotals,
} from '../session.js';
import { addUsage, costOf, zeroUsage } from '../session.js';
import type { Transport, TransportCloseInfo, TransportError } from '../transport/transport.js';
import { estimateTurnUsage, promptChars, toContentBlocks, usageFromPromptResponse, usageFromQuotaMeta } from './content.js';
import { ApprovedWrites, askApproval, resolvedEvent } from './approvals.js';
import { ConfinedFs, FS_DENIED } from './fs-access.js';
import { isObj, num, obj, str } from '../loose.js';
import type { Obj } from '../loose.js';
import { DEFAULT_CANCEL_TIMEOUT_MS, USAGE_READER_TIMEOUT_MS } from './options.js';
import type { AcpSessionOptions } from './options.js';
import { approvalRequestOf, CANCELLED, chooseOption, optionsOf } from './permission.js';
import type { PermissionResponse } from './permission.js';
import { transportStream } from './stream-bridge.js';
import { stateOf } from './tool-call.js';
import { settledTurn, TurnChannel } from '../turn-channel.js';
import { UpdateMapper } from './update-mapper.js';

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end_turn',
  max_tokens: 'max_tokens',
  max_turn_requests: 'max_steps',
  refusal: 'refusal',
  cancelled: 'cancelled',
};

interface ActiveTurn {
  channel: TurnChannel;
  /** Aborted when the turn is cancelled or ends: pending approvals answer `cancelled`. */
  abort: AbortController;
  promptId: unknown;
  cancelRequested: boolean;
  finishing: boolean;
  cancelTimer: NodeJS.Timeout | undefined;
  contextBefore: number;
  promptChars: number;
  index: number;
  detachSignal: () => void;
  approvedWrites: ApprovedWrites;
  /** Calls whose permission omk refused: if the agent never closes them, they end `failed`, not `incomplete`. */
  deniedCalls: Set<string>;
}

type TurnEnd = { stopReason: StopReason; error?: TurnError; usage?: TokenUsage };

/**
 * Hooks the handshake uses while the session is not yet started: garbage and exits fail the
 * handshake instead of becoming events.
 */
export interface HandshakeHooks {
  onGarbage(error: TransportError): void;
  onExit(info: TransportCloseInfo): void;
}

/**
 * One ACP session over a transport. Created by `startAcpSession` (start-acp-session.ts), which runs
 * the handshake; this class owns everything after: turns, updates, permissions, fs, usage, close.
 */
export class AcpSession implements AgentSession {
  id = '';
  info: AgentInfo;
  readonly connection: ClientConnection;
  private stateValue: SessionState = 'idle';
  private readonly mapper = new UpdateMapper();
  private readonly fs: ConfinedFs;
  private readonly endStream: () => void;
  private turn: ActiveTurn | undefined;
  private turnCount = 0;
  private totals: TokenUsage = zeroUsage(true);
  private contextUsed: number | undefined;
  private contextSize: number | undefined;
  private agentCostUsd: number | undefined;
  private closing: Promise<void> | undefined;
  /** Set synchronously when close() starts, before any await. */
  private closeRequested = false;
  private exitInfo: TransportCloseInfo | undefined;
  /** Set during the handshake; see HandshakeHooks. */
  handshake: HandshakeHooks | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: AcpSessionOptions,
  ) {
    this.fs = new ConfinedFs(options.cwd);
    this.info = { protocol: 'acp', engine: options.engine, agentName: options.engine, protocolVersion: '1', capabilities: {} };
    const { stream, end } = transportStream(transport, {
      inbound: (message) => this.inbound(message),
      outbound: (message) => this.outbound(message),
    });
    this.endStream = end;
    transport.onerror = (error) => this.transportError(error);
    transport.onclose = (info) => this.transportClosed(info);
    this.connection = this.clientApp().connect(stream);
  }

  get pid(): number | undefined {
    return this.transport.pid;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  prompt(input: PromptInput, options: PromptOptions = {}): AgentTurn {
    const empty = { usage: zeroUsage(true), costUsd: 0 };
    if (this.stateValue === 'closed') {
      const crashed = this.exitInfo !== undefined && !this.closeRequested;
      return settledTurn({
        stopReason: crashed ? 'crashed' : 'error',
        error: crashed ? { code: 'crashed', message: this.exitMessage(this.exitInfo!) } : { code: 'closed', message: 'session is closed' },
        ...empty,
      });
    }
    if (this.turn) return settledTurn({ stopReason: 'error', error: { code: 'busy', message: 'a turn is already running' }, ...empty });

    const turn: ActiveTurn = {
      channel: new TurnChannel(),
      abort: new AbortController(),
      promptId: undefined,
      cancelRequested: false,
      finishing: false,
      cancelTimer: undefined,
      contextBefore: this.contextUsed ?? 0,
      promptChars: promptChars(input),
      index: ++this.turnCount,
      detachSignal: () => {},
      approvedWrites: new ApprovedWrites(this.options.cwd),
      deniedCalls: new Set(),
    };
    this.turn = turn;
    this.stateValue = 'prompting';
    this.mapper.beginTurn();
    this.connection.agent
      .request('session/prompt', { sessionId: this.id, prompt: toContentBlocks(input) } as never)
      .catch((error: unknown) => this.promptFailed(turn, error));
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => void this.cancel();
      if (signal.aborted) queueMicrotask(onAbort);
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        turn.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
    }
    return turn.channel;
  }

  async cancel(): Promise<void> {
    const turn = this.turn;
    if (!turn || turn.cancelRequested || turn.finishing) return;
    turn.cancelRequested = true;
    turn.abort.abort(new Error('turn cancelled'));
    const timeoutMs = this.options.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS;
    turn.cancelTimer = setTimeout(() => {
      this.emit({ type: 'notice', level: 'warn', text: `agent did not confirm the cancel within ${timeoutMs} ms` });
      void this.finishTurn(turn, { stopReason: 'cancelled' }, false);
    }, timeoutMs);
    turn.cancelTimer.unref();
    try {
      await this.connection.agent.notify('session/cancel', { sessionId: this.id });
    } catch {
      // The connection is gone; the close path settles the turn.
    }
  }

  usage(): UsageTotals {
    const totals: UsageTotals = { ...this.totals, costUsd: this.agentCostUsd ?? costOf(this.totals, this.options.pricing) };
    if (this.contextUsed !== undefined) totals.contextUsed = this.contextUsed;
    if (this.contextSize !== undefined) totals.contextSize = this.contextSize;
    return totals;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closeRequested = true;
    const alive = this.exitInfo === undefined;
    this.stateValue = 'closed';
    this.handshake = undefined;
    const turn = this.turn;
    if (turn && !turn.finishing) {
      turn.abort.abort(new Error('session closed'));
      if (alive) this.connection.agent.notify('session/cancel', { sessionId: this.id }).catch(() => {});
      void this.finishTurn(turn, { stopReason: 'cancelled' }, false);
    }
    await this.transport.close('session closed');
    this.endStream();
    this.connection.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound, in wire order

  private inbound(message: unknown): boolean {
    if (!isObj(message) || (typeof message.method !== 'string' && !('id' in message))) {
      this.emit({ type: 'raw', protocol: 'acp', message });
      return true;
    }
    if (message.method === 'session/update' && !('id' in message)) {
      this.sessionUpdate(message);
      return true;
    }
    if (!('method' in message) && this.turn && this.turn.promptId !== undefined && message.id === this.turn.promptId) {
      this.promptAnswered(this.turn, message);
    }
    return false;
  }

  private outbound(message: AnyMessage): void {
    const m = message as Obj;
    if (m.method === 'session/prompt' && this.turn && this.turn.promptId === undefined) this.turn.promptId = m.id;
  }

  private sessionUpdate(message: Obj): void {
    const params = obj(message.params);
    const update = obj(params?.update);
    if (!update || (this.id !== '' && params?.sessionId !== this.id)) {
      this.emit({ type: 'raw', protocol: 'acp', message });
      return;
    }
    for (const event of this.mapper.map(update, message)) {
      if (event.type === 'usage') {
        if (event.context) {
          this.contextUsed = event.context.used;
          this.contextSize = event.context.size;
        }
        if (event.costUsd !== undefined) this.agentCostUsd = event.costUsd;
      }
      this.emit(event);
    }
  }

  private promptAnswered(turn: ActiveTurn, message: Obj): void {
    const error = obj(message.error);
    if (error) {
      const code = num(error.code);
      const text = str(error.message) ?? 'agent error';
      if (turn.cancelRequested) void this.finishTurn(turn, { stopReason: 'cancelled' }, true);
      else
        void this.finishTurn(
          turn,
          {
            stopReason: 'error',
            error: { code: code === -32000 ? 'auth_required' : 'agent_error', message: text, ...(code !== undefined ? { protocolCode: code } : {}) },
          },
          true,
        );
      return;
    }
    const result = obj(message.result) ?? {};
    const reason = str(result.stopReason);
    const stopReason: StopReason = (reason !== undefined ? STOP_REASONS[reason] : undefined) ?? 'end_turn';
    if (reason !== undefined && !STOP_REASONS[reason]) this.emit({ type: 'notice', level: 'warn', text: `unknown stopReason "${reason}", treated as end_turn` });
    const usage = usageFromPromptResponse(result.usage) ?? usageFromQuotaMeta(result._meta);
    void this.finishTurn(turn, usage ? { stopReason, usage } : { stopReason }, true);
  }

  private promptFailed(turn: ActiveTurn, error: unknown): void {
    // Error answers were handled in wire order by promptAnswered; a crash by transportClosed. What is
    // left is the SDK giving up on the connection by itself.
    if (turn.finishing || this.exitInfo || this.closeRequested) return;
    const message = error instanceof RequestError ? error.message : describeError(error);
    void this.finishTurn(turn, { stopReason: 'error', error: { code: 'protocol_error', message } }, false);
  }

  // ---------------------------------------------------------------------------------------------
  // Turn end

  private async finishTurn(turn: ActiveTurn, end: TurnEnd, readUsage: boolean): Promise<void> {
    if (turn.finishing) return;
    turn.finishing = true;
    if (turn.cancelTimer) clearTimeout(turn.cancelTimer);
    turn.detachSignal();
    turn.abort.abort(new Error('turn ended'));
    for (const event of this.mapper.finishOpen('failed', (id) => turn.deniedCalls.has(id))) turn.channel.push(event);
    const open = this.mapper.openCalls();
    for (const event of this.mapper.finishOpen(end.stopReason === 'cancelled' ? 'cancelled' : 'incomplete')) turn.channel.push(event);

    let usage = end.usage;
    if (!usage && readUsage && this.options.usageReader) usage = await this.readExactUsage(turn.index);
    usage ??= estimateTurnUsage({
      contextBefore: turn.contextBefore,
      promptChars: turn.promptChars,
      outputChars: this.mapper.outputChars,
      toolCalls: this.mapper.toolCalls,
    });
    turn.channel.push({ type: 'usage', turn: usage, exact: usage.exact });
    this.totals = addUsage(this.totals, usage);

    if (this.turn === turn) this.turn = undefined;
    if (this.stateValue === 'prompting') this.stateValue = 'idle';
    const result: TurnResult = { stopReason: end.stopReason, usage, costUsd: costOf(usage, this.options.pricing) };
    if (end.error) result.error = end.error;
    if (open.length > 0) result.incompleteToolCalls = open;
    turn.channel.settle(result);
  }

  private async readExactUsage(turnIndex: number): Promise<TokenUsage | undefined> {
    const reader = this.options.usageReader!;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        abort.abort(new Error('usage reader timed out'));
        resolve(undefined);
      }, USAGE_READER_TIMEOUT_MS);
    });
    try {
      return await Promise.race([reader({ sessionId: this.id, turn: turnIndex, signal: abort.signal }), timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Transport

  private transportError(error: TransportError): void {
    if (this.handshake) return this.handshake.onGarbage(error);
    if (error.kind === 'garbage') {
      this.emit({ type: 'notice', level: 'warn', text: `agent wrote a line that is not JSON (${error.message})` });
      this.emit({ type: 'raw', protocol: 'acp', message: { invalidLine: error.line } });
    } else {
      this.emit({ type: 'notice', level: 'warn', text: `transport: ${error.message}` });
    }
  }

  private transportClosed(info: TransportCloseInfo): void {
    this.exitInfo = info;
    this.endStream();
    if (this.handshake) return this.handshake.onExit(info);
    if (this.closeRequested) return;
    this.stateValue = 'closed';
    const turn = this.turn;
    const message = this.exitMessage(info);
    if (turn && !turn.finishing) void this.finishTurn(turn, { stopReason: 'crashed', error: { code: 'crashed', message } }, false);
    else this.emit({ type: 'notice', level: 'error', text: message });
    this.connection.close(new Error(message));
  }

  /** "agent exited (code 1): <stderr tail>" */
  exitMessage(info: TransportCloseInfo): string {
    const how = info.error
      ? info.error
      : info.signal
        ? `killed by ${info.signal}`
        : `exit code ${String(info.exitCode ?? 'unknown')}`;
    const tail = (info.stderrTail ?? this.transport.stderrTail()).trim();
    return `agent \`${this.options.engine}\` exited (${how})${tail ? `; stderr tail:\n${tail}` : ''}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Agent → client requests

  private clientApp(): ReturnType<typeof client> {
    const loose = (value: unknown): Obj => obj(value) ?? {};
    const app = client({ name: this.options.clientInfo?.name ?? 'omk' }).onRequest('session/request_permission', loose, ({ params, signal }) =>
      this.requestPermission(params, signal),
    );
    // Everything else (terminal/*, elicitation/*, fs/* when serveFs is off, unknown methods) gets -32601
    // from the SDK: we do not advertise those capabilities.
    if (this.options.serveFs === false) return app;
    return app
      .onRequest('fs/read_text_file', loose, ({ params }) => this.fs.read(params.path, params.line, params.limit))
      .onRequest('fs/write_text_file', loose, ({ params, signal }) => this.writeFile(params, signal));
  }

  private async requestPermission(params: Obj, requestSignal: AbortSignal): Promise<PermissionResponse> {
    const turn = this.turn;
    if (this.closeRequested || !turn || turn.cancelRequested || turn.finishing) return CANCELLED;
    const toolCall = obj(params.toolCall) ?? {};
    const callId = str(toolCall.toolCallId);
    let tracked;
    if (callId !== undefined) {
      const { call, isNew } = this.mapper.callFor(callId, toolCall);
      tracked = call;
      if (isNew) this.emit({ type: 'tool_call_started', ...stateOf(call) });
    }
    const request = approvalRequestOf(toolCall, tracked);
    // What the policy checked is the call's command from now on (Gemini CLI names it only in the title).
    if (tracked && tracked.command === undefined && request.command !== undefined) tracked.command = request.command;
    const outcome = await askApproval(this.options.approve, request, AbortSignal.any([turn.abort.signal, requestSignal]));
    if (this.closeRequested || this.exitInfo || turn.finishing) return CANCELLED;
    turn.channel.push(resolvedEvent(request, outcome));
    if (outcome === 'cancelled') return CANCELLED;
    if (outcome.allow) turn.approvedWrites.add(request);
    else if (callId !== undefined) turn.deniedCalls.add(callId);
    return chooseOption(optionsOf(params), outcome);
  }

  /**
   * `fs/write_text_file`: confined to the session directory, and approved like an edit unless the
   * write belongs to an edit the agent already had approved this turn (kimi-code writes inside the
   * work dir without asking, so this is where omk's policy sees those writes).
   */
  private async writeFile(params: Obj, requestSignal: AbortSignal): Promise<null> {
    const file = await this.fs.resolve(params.path);
    const turn = this.turn;
    if (!turn || turn.finishing || this.closeRequested) throw new RequestError(FS_DENIED, 'write refused: no prompt turn is running');
    if (!turn.approvedWrites.covers(file)) {
      const request: ApprovalRequest = { kind: 'edit', title: `Write ${String(params.path)}`, paths: [file], raw: { path: params.path, via: 'fs/write_text_file' } };
      const outcome = await askApproval(this.options.approve, request, AbortSignal.any([turn.abort.signal, requestSignal]));
      if (this.closeRequested || turn.finishing) throw new RequestError(FS_DENIED, 'write refused: the turn ended');
      turn.channel.push(resolvedEvent(request, outcome));
      if (outcome === 'cancelled') throw new RequestError(FS_DENIED, 'write refused: the turn was cancelled');
      if (!outcome.allow) throw new RequestError(FS_DENIED, `write refused by omk's approval policy${outcome.reason ? `: ${outcome.reason}` : ''}`);
      turn.approvedWrites.add(request);
    }
    return this.fs.write(file, params.content);
  }

  // ---------------------------------------------------------------------------------------------

  /** Into the running turn, or out of turn (late usage, background notices). Nothing after close. */
  private emit(event: AgentEvent): void {
    const turn = this.turn;
    if (turn && !turn.channel.settled) {
      turn.channel.push(event);
      return;
    }
    if (this.closeRequested || this.handshake) return;
    try {
      this.options.onOutOfTurnEvent?.(event);
    } catch {
      // A throwing listener must not break the read loop.
    }
  }
}
