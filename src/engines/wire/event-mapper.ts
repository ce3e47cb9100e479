import type { AgentEvent, TokenUsage, ToolCallStatus } from '../session.js';
import { isObj, num, obj, str } from '../loose.js';
import type { Obj } from '../loose.js';
import { appendArgs, newCall, outputText, readDisplay, stateOf } from './tool-call.js';
import type { WireCall } from './tool-call.js';

/** Wire `token_usage` → ours (`input_other` excludes cache reads and writes, like our `input`). */
export function tokenUsageOf(value: unknown): TokenUsage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const input = num(u.input_other);
  const output = num(u.output);
  if (input === undefined && output === undefined) return undefined;
  return { input: input ?? 0, output: output ?? 0, cacheRead: num(u.input_cache_read) ?? 0, cacheWrite: num(u.input_cache_creation) ?? 0, exact: true };
}

/**
 * Turns Wire `event` notifications into normalised events, one connection's worth of state: the open
 * tool calls (a `ToolCallPart` extends the most recent `ToolCall`), the plan mode, and per turn
 * whether every step reported its usage.
 */
export class WireEventMapper {
  private readonly calls = new Map<string, WireCall>();
  private lastCallId: string | undefined;
  private stepOpen = false;
  private stepHadUsage = false;
  /** Steps of this turn that ended without a `token_usage` (usage then is not exact). */
  stepsWithoutUsage = 0;

  constructor(
    private readonly cwd: string,
    public planMode: boolean,
  ) {}

  beginTurn(): void {
    this.calls.clear();
    this.lastCallId = undefined;
    this.stepOpen = false;
    this.stepsWithoutUsage = 0;
  }

  /** Ids of tool calls that are still open. */
  openCalls(): string[] {
    return [...this.calls.values()].filter((c) => !c.finished).map((c) => c.callId);
  }

  call(callId: string | undefined): WireCall | undefined {
    return callId === undefined ? undefined : this.calls.get(callId);
  }

  /** Closes the step and every open call (`incomplete`, or `cancelled` for a cancelled turn). */
  endTurn(status: Extract<ToolCallStatus, 'incomplete' | 'cancelled'>): AgentEvent[] {
    this.closeStep();
    const events: AgentEvent[] = [];
    for (const call of this.calls.values()) {
      if (call.finished) continue;
      call.finished = true;
      call.status = status;
      events.push({ type: 'tool_call_completed', ...stateOf(call) });
    }
    return events;
  }

  /** One `event` notification's params → events (never throws; unknown types → `raw`). */
  map(params: unknown, message: unknown): AgentEvent[] {
    const type = str(obj(params)?.type);
    const payload = obj(obj(params)?.payload);
    const raw: AgentEvent = { type: 'raw', protocol: 'wire', message };
    if (type === undefined || !payload) return [raw];
    switch (type) {
      case 'StepBegin':
        this.closeStep();
        this.stepOpen = true;
        this.stepHadUsage = false;
        return [raw];
      case 'StepRetry':
        return [
          {
            type: 'notice',
            level: 'warn',
            text:
              `step ${num(payload.n) ?? '?'} failed (${str(payload.error_type) ?? 'error'}${num(payload.status_code) !== undefined ? ` ${num(payload.status_code)}` : ''}); ` +
              `retrying, attempt ${num(payload.next_attempt) ?? '?'} of ${num(payload.max_attempts) ?? '?'} in ${num(payload.wait_s) ?? '?'} s; the step's partial output is void`,
          },
          raw,
        ];
      case 'ContentPart':
        return this.contentPart(payload, raw);
      case 'ToolCall':
        return this.toolCall(payload, raw);
      case 'ToolCallPart':
        return this.toolCallPart(payload, raw);
      case 'ToolResult':
        return this.toolResult(payload);
      case 'StatusUpdate':
        return this.statusUpdate(payload, raw);
      case 'CompactionBegin':
        return [{ type: 'notice', level: 'info', text: 'the agent is compacting its context' }, raw];
      case 'CompactionEnd':
        return [{ type: 'notice', level: 'info', text: 'context compaction finished' }, raw];
      case 'SubagentEvent':
        return this.subagent(payload, raw);
      case 'Notification':
        return [this.notification(payload), raw];
      default:
        // TurnBegin, TurnEnd (the turn ends on the prompt's answer), StepInterrupted, ApprovalResponse,
        // SteerInput, PlanDisplay, Btw*, Hook*, MCPLoading*, and types newer than 1.10: kept for logs.
        return [raw];
    }
  }

  private closeStep(): void {
    if (this.stepOpen && !this.stepHadUsage) this.stepsWithoutUsage++;
    this.stepOpen = false;
  }

  private contentPart(part: Obj, raw: AgentEvent): AgentEvent[] {
    if (part.type === 'text' && typeof part.text === 'string') return [{ type: 'text_delta', text: part.text }];
    if (part.type === 'think' && typeof part.think === 'string') return [{ type: 'thinking_delta', text: part.think }];
    return [raw];
  }

  private toolCall(payload: Obj, raw: AgentEvent): AgentEvent[] {
    const callId = str(payload.id);
    const fn = obj(payload.function);
    if (callId === undefined) return [raw];
    const call = newCall(callId, str(fn?.name) ?? '', str(fn?.arguments) ?? '', this.cwd);
    this.calls.set(callId, call);
    this.lastCallId = callId;
    return [{ type: 'tool_call_started', ...stateOf(call) }];
  }

  private toolCallPart(payload: Obj, raw: AgentEvent): AgentEvent[] {
    const call = this.call(this.lastCallId);
    const part = str(payload.arguments_part);
    if (!call || call.finished) return [raw];
    if (part === undefined || part === '') return [];
    appendArgs(call, part, this.cwd);
    return [{ type: 'tool_call_updated', ...stateOf(call) }];
  }

  private toolResult(payload: Obj): AgentEvent[] {
    const callId = str(payload.tool_call_id) ?? '';
    const value = obj(payload.return_value) ?? {};
    const events: AgentEvent[] = [];
    let call = this.calls.get(callId);
    if (!call) {
      // A result for a call we never saw (a replayed or external call): start it so the pair is whole.
      call = newCall(callId, '', '', this.cwd);
      this.calls.set(callId, call);
      events.push({ type: 'tool_call_started', ...stateOf(call) });
    }
    const display = readDisplay(value.display, this.cwd);
    call.finished = true;
    call.status = value.is_error === true ? 'failed' : 'completed';
    for (const d of display.diffs) if (!call.paths.includes(d.path)) call.paths.push(d.path);
    if (display.command !== undefined) call.command ??= display.command;
    const text = outputText(value.output);
    const output = text !== undefined && text !== '' ? text : str(value.message);
    events.push({
      type: 'tool_call_completed',
      ...stateOf(call),
      ...(output !== undefined ? { output } : {}),
      ...(display.diffs.length > 0 ? { diffs: display.diffs } : {}),
      rawOutput: value,
    });
    if (display.todos) events.push({ type: 'plan', entries: display.todos });
    return events;
  }

  private statusUpdate(payload: Obj, raw: AgentEvent): AgentEvent[] {
    const events: AgentEvent[] = [];
    const turn = tokenUsageOf(payload.token_usage);
    const used = num(payload.context_tokens);
    const size = num(payload.max_context_tokens);
    const context = used !== undefined && size !== undefined ? { used, size } : undefined;
    if (turn) this.stepHadUsage = true;
    if (turn || context) events.push({ type: 'usage', ...(turn ? { turn } : {}), ...(context ? { context } : {}), exact: true });
    if (typeof payload.plan_mode === 'boolean' && payload.plan_mode !== this.planMode) {
      this.planMode = payload.plan_mode;
      events.push({ type: 'mode_changed', mode: payload.plan_mode ? 'plan' : 'default' });
    }
    return events.length > 0 ? events : [raw];
  }

  /** A subagent's usage counts toward ours (§1.9); the rest of its stream is kept raw, not mixed into ours. */
  private subagent(payload: Obj, raw: AgentEvent): AgentEvent[] {
    const inner = obj(payload.event);
    if (inner?.type === 'StatusUpdate' && isObj(inner.payload)) {
      const turn = tokenUsageOf(inner.payload.token_usage);
      if (turn) return [{ type: 'usage', turn, exact: true }, raw];
    }
    return [raw];
  }

  private notification(payload: Obj): AgentEvent {
    const severity = str(payload.severity);
    const level = severity === 'error' || severity === 'critical' ? 'error' : severity === 'warning' || severity === 'warn' ? 'warn' : 'info';
    const title = str(payload.title) ?? 'notification';
    const body = str(payload.body);
    return { type: 'notice', level, text: body ? `${title}: ${body}` : title };
  }
}
