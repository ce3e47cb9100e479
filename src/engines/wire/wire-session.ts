import { settledTurn, TurnChannel } from '../turn-channel.js';
import type {
  AgentEvent,
  AgentInfo,
  AgentTurn,
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
import { approvalRequestOf, approvalResolvedEvent, approvalResultOf, askApproval } from './approval.js';
import { toUserInput } from './content.js';
import { turnErrorOf, WIRE_ERROR } from './errors.js';
import { WireEventMapper } from './event-mapper.js';
import { obj, str, num } from '../loose.js';
import type { Obj } from '../loose.js';
import { DEFAULT_CANCEL_TIMEOUT_MS, DEFAULT_CONTROL_TIMEOUT_MS } from './options.js';
import type { WireControlResult, WireSession, WireSessionOptions } from './options.js';
import { WireRpc } from './rpc.js';
import type { RpcOutcome } from './rpc.js';
import { conservativeAnswer } from './server-requests.js';

/** Prompt result `status` → why the turn ended (protocols.md §1.4, §6). */
const STOP_REASONS: Record<string, StopReason> = {
  finished: 'end_turn',
  cancelled: 'cancelled',
  max_steps_reached: 'max_steps',
};

interface ActiveTurn {
  channel: TurnChannel;
  /** Aborted when the turn is cancelled or ends: pending approvals are answered `reject`. */
  abort: AbortController;
  usage: TokenUsage;
  cancelRequested: boolean;
  finished: boolean;
  cancelTimer: NodeJS.Timeout | undefined;
  turnTimer: NodeJS.Timeout | undefined;
  /** Set when the turn timeout fired: the turn ends as `timeout`, not `cancelled`. */
  timedOut: boolean;
  detachSignal: () => void;
}

/** While the session starts, garbage and exits belong to the handshake, not to events. */
export interface HandshakeHooks {
  onGarbage(line: string): void;
  onExit(info: TransportCloseInfo): void;
}

/**
 * One Wire connection. Created by `startWireSession` (start-wire-session.ts), which runs
 * `initialize`; this class owns turns, events, server requests, usage and close. A turn ends on the
 * prompt's JSON-RPC answer (not on `TurnEnd`, which a cancelled turn may omit).
 */
export class WireSessionImpl implements WireSession {
  info: AgentInfo;
  readonly rpc: WireRpc;
  handshake: HandshakeHooks | undefined;
  private stateValue: SessionState = 'idle';
  private readonly mapper: WireEventMapper;
  private turn: ActiveTurn | undefined;
  private totals: TokenUsage = zeroUsage(true);
  private contextUsed: number | undefined;
  private contextSize: number | undefined;
  private closing: Promise<void> | undefined;
  private exitInfo: TransportCloseInfo | undefined;
  /** Aborted on close and on agent exit: out-of-turn approvals are abandoned. */
  private readonly lifetime = new AbortController();

  constructor(
    private readonly transport: Transport,
    private readonly options: WireSessionOptions,
    readonly id: string,
  ) {
    this.info = { protocol: 'wire', engine: options.engine, agentName: options.engine, protocolVersion: '', capabilities: {} };
    this.mapper = new WireEventMapper(options.cwd, options.planMode ?? false);
    this.rpc = new WireRpc(transport, {
      notification: (method, params, message) => this.notification(method, params, message),
      request: (id, method, params, message) => void this.serverRequest(id, method, params, message),
      stray: (message, why) => this.stray(message, why),
    });
    transport.onmessage = (message) => this.rpc.handle(message);
    transport.onerror = (error) => this.transportError(error);
    transport.onclose = (info) => this.transportClosed(info);
  }

  get pid(): number | undefined {
    return this.transport.pid;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get planMode(): boolean {
    return this.mapper.planMode;
  }

  prompt(input: PromptInput, options: PromptOptions = {}): AgentTurn {
    const empty = { usage: zeroUsage(true), costUsd: 0 };
    if (this.stateValue === 'closed') {
      const crashed = this.exitInfo !== undefined && this.closing === undefined;
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
      usage: zeroUsage(true),
      cancelRequested: false,
      finished: false,
      cancelTimer: undefined,
      turnTimer: undefined,
      timedOut: false,
      detachSignal: () => {},
    };
    this.turn = turn;
    this.stateValue = 'prompting';
    this.mapper.beginTurn();
    this.rpc.call('prompt', { user_input: toUserInput(input) }, (outcome) => this.promptAnswered(turn, outcome));
    const turnTimeoutMs = this.options.turnTimeoutMs;
    if (turnTimeoutMs !== undefined) {
      turn.turnTimer = setTimeout(() => {
        turn.timedOut = true;
        void this.cancel();
      }, turnTimeoutMs);
      turn.turnTimer.unref();
    }
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

  cancel(): Promise<void> {
    const turn = this.turn;
    if (!turn || turn.cancelRequested || turn.finished) return Promise.resolve();
    turn.cancelRequested = true;
    turn.abort.abort(new Error('turn cancelled'));
    const timeoutMs = this.options.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS;
    turn.cancelTimer = setTimeout(() => {
      this.emit({ type: 'notice', level: 'warn', text: `agent did not confirm the cancel within ${timeoutMs} ms` });
      this.finishTurn(turn, { stopReason: 'cancelled' });
    }, timeoutMs);
    turn.cancelTimer.unref();
    // The answer (`{}`, or -32000 when the turn just ended) changes nothing: the prompt's answer ends the turn.
    this.rpc.call('cancel', {}, () => {}, this.controlTimeout());
    return Promise.resolve();
  }

  async steer(input: PromptInput): Promise<WireControlResult> {
    if (!this.turn || this.turn.finished) return { ok: false, error: { code: 'no_turn', message: 'no turn is running' } };
    const outcome = await this.rpc.request('steer', { user_input: toUserInput(input) }, this.controlTimeout());
    return outcome.ok ? { ok: true } : { ok: false, error: turnErrorOf(outcome.error) };
  }

  async setPlanMode(enabled: boolean): Promise<WireControlResult<{ planMode: boolean }>> {
    if (this.stateValue === 'closed') return { ok: false, error: { code: 'closed', message: 'session is closed' } };
    const outcome = await this.rpc.request('set_plan_mode', { enabled }, this.controlTimeout());
    if (!outcome.ok) return { ok: false, error: turnErrorOf(outcome.error) };
    const planMode = obj(outcome.result)?.plan_mode;
    const now = typeof planMode === 'boolean' ? planMode : enabled;
    if (now !== this.mapper.planMode) {
      this.mapper.planMode = now;
      this.emit({ type: 'mode_changed', mode: now ? 'plan' : 'default' });
    }
    return { ok: true, planMode: now };
  }

  usage(): UsageTotals {
    const totals: UsageTotals = { ...this.totals, costUsd: costOf(this.totals, this.options.pricing) };
    if (this.contextUsed !== undefined) totals.contextUsed = this.contextUsed;
    if (this.contextSize !== undefined) totals.contextSize = this.contextSize;
    return totals;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** "exited with code 1" plus the stderr tail, for crash reports and handshake errors. */
  exitMessage(info: TransportCloseInfo): string {
    const how = info.error ?? (info.signal ? `was killed by ${info.signal}` : `exited with code ${String(info.exitCode ?? 'unknown')}`);
    const tail = (info.stderrTail ?? this.transport.stderrTail()).trim();
    return `the agent ${how}${tail ? `; stderr:\n${tail}` : ' (no stderr)'}`;
  }

  private async shutdown(): Promise<void> {
    this.stateValue = 'closed';
    this.handshake = undefined;
    this.lifetime.abort(new Error('session closed'));
    const turn = this.turn;
    if (turn && !turn.finished) this.finishTurn(turn, { stopReason: 'cancelled' });
    await this.transport.close('session closed');
    this.rpc.close();
  }

  private controlTimeout(): number {
    return this.options.controlTimeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS;
  }

  // ---------------------------------------------------------------------------------------------
  // Turn end

  private promptAnswered(turn: ActiveTurn, outcome: RpcOutcome): void {
    if (turn.finished) return;
    if (!outcome.ok) {
      if (outcome.local === 'closed') {
        const message = this.exitInfo ? this.exitMessage(this.exitInfo) : outcome.error.message;
        this.finishTurn(turn, { stopReason: 'crashed', error: { code: 'crashed', message } });
      } else if (turn.cancelRequested) {
        this.finishTurn(turn, { stopReason: 'cancelled' });
      } else {
        this.finishTurn(turn, { stopReason: 'error', error: turnErrorOf(outcome.error) });
      }
      return;
    }
    const result = obj(outcome.result) ?? {};
    const status = str(result.status);
    let stopReason = status !== undefined ? STOP_REASONS[status] : undefined;
    if (!stopReason) {
      this.emit({ type: 'notice', level: 'warn', text: `unknown prompt status ${JSON.stringify(status)}, treated as end_turn` });
      stopReason = 'end_turn';
    }
    const steps = num(result.steps);
    if (stopReason === 'max_steps') this.emit({ type: 'notice', level: 'warn', text: `the agent hit its step limit${steps !== undefined ? ` (${steps} steps)` : ''}` });
    this.finishTurn(turn, { stopReason });
  }

  private finishTurn(turn: ActiveTurn, end: { stopReason: StopReason; error?: TurnError }): void {
    if (turn.finished) return;
    turn.finished = true;
    if (turn.cancelTimer) clearTimeout(turn.cancelTimer);
    if (turn.turnTimer) clearTimeout(turn.turnTimer);
    turn.detachSignal();
    if (turn.timedOut && end.stopReason === 'cancelled') {
      end = { stopReason: 'timeout', error: { code: 'timeout', message: `the turn ran longer than ${this.options.turnTimeoutMs} ms (turnTimeoutMs) and was cancelled`, retryable: true } };
    }
    turn.abort.abort(new Error('turn ended'));
    const open = this.mapper.openCalls();
    for (const event of this.mapper.endTurn(end.stopReason === 'cancelled' ? 'cancelled' : 'incomplete')) turn.channel.push(event);
    const usage: TokenUsage = { ...turn.usage };
    if (this.mapper.stepsWithoutUsage > 0) {
      usage.exact = false;
      this.totals.exact = false;
    }
    if (this.turn === turn) this.turn = undefined;
    if (this.stateValue === 'prompting') this.stateValue = 'idle';
    const result: TurnResult = { stopReason: end.stopReason, usage, costUsd: costOf(usage, this.options.pricing) };
    if (end.error) result.error = end.error;
    if (open.length > 0) result.incompleteToolCalls = open;
    turn.channel.settle(result);
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound, in wire order

  private notification(method: string, params: unknown, message: Obj): void {
    if (method !== 'event') return this.emit({ type: 'raw', protocol: 'wire', message });
    for (const event of this.mapper.map(params, message)) {
      if (event.type === 'usage') this.foldUsage(event);
      this.emit(event);
    }
  }

  private foldUsage(event: Extract<AgentEvent, { type: 'usage' }>): void {
    if (event.context) {
      this.contextUsed = event.context.used;
      this.contextSize = event.context.size;
    }
    if (!event.turn) return;
    this.totals = addUsage(this.totals, event.turn);
    const turn = this.turn;
    if (turn && !turn.finished) turn.usage = addUsage(turn.usage, event.turn);
  }

  private async serverRequest(id: string | number, method: string, params: unknown, message: Obj): Promise<void> {
    const type = str(obj(params)?.type);
    const payload = obj(obj(params)?.payload) ?? {};
    if (method !== 'request' || type === undefined) {
      this.emit({ type: 'raw', protocol: 'wire', message });
      return this.rpc.respondError(id, WIRE_ERROR.METHOD_NOT_FOUND, `Unexpected method received: ${method}`);
    }
    if (type === 'ApprovalRequest') return this.approval(id, payload);
    const answer = conservativeAnswer(type, payload);
    this.emit({ type: 'raw', protocol: 'wire', message });
    if (!answer) return this.rpc.respondError(id, WIRE_ERROR.METHOD_NOT_FOUND, `omk does not handle request type ${type}`);
    this.emit({ type: 'notice', level: 'warn', text: answer.notice });
    this.rpc.respond(id, answer.result);
  }

  /** Asks the approve callback (in or out of a turn) and answers `{request_id, response, feedback}`. */
  private async approval(id: string | number, payload: Obj): Promise<void> {
    if (this.closing) return;
    const requestId = str(payload.id) ?? String(id);
    const turn = this.turn && !this.turn.finished ? this.turn : undefined;
    const request = approvalRequestOf(payload, this.mapper.call(str(payload.tool_call_id)), this.options.cwd);
    const signal = turn ? AbortSignal.any([turn.abort.signal, this.lifetime.signal]) : this.lifetime.signal;
    const outcome = await askApproval(this.options.approve, request, signal);
    if (this.closing) return;
    this.emit(approvalResolvedEvent(request, outcome));
    this.rpc.respond(id, approvalResultOf(requestId, outcome));
  }

  private stray(message: unknown, why: string): void {
    const error = obj(obj(message)?.error);
    if (error) this.emit({ type: 'notice', level: 'warn', text: `agent reported an error: ${why}` });
    this.emit({ type: 'raw', protocol: 'wire', message });
  }

  // ---------------------------------------------------------------------------------------------
  // Transport

  private transportError(error: TransportError): void {
    if (error.kind === 'garbage') {
      if (this.handshake) return this.handshake.onGarbage(error.line);
      this.emit({ type: 'notice', level: 'warn', text: `agent wrote a line that is not JSON (${error.message})` });
      this.emit({ type: 'raw', protocol: 'wire', message: { invalidLine: error.line } });
    } else if (!this.handshake) {
      this.emit({ type: 'notice', level: 'warn', text: `transport: ${error.message}` });
    }
  }

  private transportClosed(info: TransportCloseInfo): void {
    this.exitInfo = info;
    if (this.handshake) {
      this.handshake.onExit(info);
      this.rpc.close();
      return;
    }
    if (this.closing) return this.rpc.close();
    const hadTurn = this.turn !== undefined;
    this.lifetime.abort(new Error('agent exited'));
    this.rpc.close(); // settles a running prompt as `crashed` (see promptAnswered)
    this.stateValue = 'closed';
    if (!hadTurn) this.emit({ type: 'notice', level: 'error', text: this.exitMessage(info) });
  }

  /** Into the running turn, or out of turn. Nothing after close. */
  private emit(event: AgentEvent): void {
    const turn = this.turn;
    if (turn && !turn.finished) {
      turn.channel.push(event);
      return;
    }
    if (this.closing) return;
    try {
      this.options.onOutOfTurnEvent?.(event);
    } catch {
      // A throwing listener must not break the read loop.
    }
  }
}
