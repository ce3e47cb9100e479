import type { AgentEvent, TokenUsage } from '../session.js';
import { toolKind } from './tools/schemas.js';
import { isRecord, normaliseUsage } from './usage.js';

/** A tool call put together from its streamed fragments. */
export interface AssembledToolCall {
  index: number;
  id: string;
  name: string;
  arguments: string;
}

/** One model response, assembled. */
export interface AssembledStep {
  content: string;
  reasoning: string;
  toolCalls: AssembledToolCall[];
  /** `stop`, `tool_calls`, `length`, …; undefined when the stream never said. */
  finishReason: string | undefined;
  usage: TokenUsage | undefined;
  /** An `error` object the server sent inside the stream. */
  streamError: string | undefined;
}

/**
 * Folds `chat.completion.chunk` payloads into one response and emits the deltas as they come:
 * `reasoning_content` → `thinking_delta`, `content` → `text_delta`, a tool call's first fragment
 * (id + name) → `tool_call_started`. Tool calls are assembled by `index`; later fragments carry only
 * argument pieces. Malformed payloads are kept as `raw` events with one warning; never fatal.
 */
export class StepAssembler {
  private content = '';
  private reasoning = '';
  private readonly calls = new Map<number, AssembledToolCall>();
  private readonly announced = new Set<number>();
  private finishReason: string | undefined;
  private usage: TokenUsage | undefined;
  private streamError: string | undefined;
  private malformed = 0;
  /** Events emitted so far; a retry after any would show the user duplicated output. */
  emitted = 0;

  constructor(
    private readonly emit: (event: AgentEvent) => void,
    private readonly stepId: number,
  ) {}

  /** Takes one SSE `data` payload (not `[DONE]`). */
  acceptData(data: string): void {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.rejectChunk(data);
      return;
    }
    if (!isRecord(chunk)) {
      this.rejectChunk(data);
      return;
    }
    this.acceptChunk(chunk);
  }

  acceptChunk(chunk: Record<string, unknown>): void {
    if (chunk.error !== undefined) {
      const error = chunk.error;
      this.streamError = isRecord(error) && typeof error.message === 'string' ? error.message : JSON.stringify(error);
    }
    const messageId = typeof chunk.id === 'string' ? chunk.id : `step-${this.stepId}`;
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as unknown[]) : [];
    const choice = choices.find((c) => isRecord(c) && (c.index === undefined || c.index === 0));
    const usage = normaliseUsage(chunk.usage) ?? (isRecord(choice) ? normaliseUsage(choice.usage) : undefined);
    if (usage) this.usage = usage;
    if (!isRecord(choice)) return;
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (!isRecord(delta)) return;
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
      this.reasoning += delta.reasoning_content;
      this.send({ type: 'thinking_delta', text: delta.reasoning_content, messageId });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      this.content += delta.content;
      this.send({ type: 'text_delta', text: delta.content, messageId });
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const fragment of delta.tool_calls as unknown[]) if (isRecord(fragment)) this.acceptToolFragment(fragment);
    }
  }

  private acceptToolFragment(fragment: Record<string, unknown>): void {
    const index = typeof fragment.index === 'number' ? fragment.index : this.calls.size;
    let call = this.calls.get(index);
    if (!call) {
      call = { index, id: '', name: '', arguments: '' };
      this.calls.set(index, call);
    }
    if (typeof fragment.id === 'string' && fragment.id !== '' && call.id === '') call.id = fragment.id;
    const fn = isRecord(fragment.function) ? fragment.function : {};
    if (typeof fn.name === 'string' && fn.name !== '' && call.name === '') call.name = fn.name;
    if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
    if (call.name !== '' && !this.announced.has(index)) {
      this.announced.add(index);
      if (call.id === '') call.id = `call_${this.stepId}_${index}`;
      this.send({ type: 'tool_call_started', callId: call.id, kind: toolKind(call.name), title: call.name, status: 'pending', paths: [] });
    }
  }

  private rejectChunk(data: string): void {
    this.malformed += 1;
    this.send({ type: 'raw', protocol: 'builtin', message: data.length > 2000 ? `${data.slice(0, 2000)}…` : data });
    if (this.malformed === 1) {
      this.send({ type: 'notice', level: 'warn', text: 'the model stream contained a chunk that is not JSON; it was skipped' });
    }
  }

  private send(event: AgentEvent): void {
    this.emitted += 1;
    this.emit(event);
  }

  /** The response so far. Tool calls without a name (never announced) are dropped. */
  result(): AssembledStep {
    const toolCalls = [...this.calls.values()]
      .filter((c) => c.name !== '')
      .sort((a, b) => a.index - b.index);
    return {
      content: this.content,
      reasoning: this.reasoning,
      toolCalls,
      finishReason: this.finishReason,
      usage: this.usage,
      streamError: this.streamError,
    };
  }
}
