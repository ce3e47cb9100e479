import type { AgentEvent, ApproveFn, Pricing, TokenUsage, TurnError, TurnResult } from '../session.js';
import { addUsage, costOf, zeroUsage } from '../session.js';
import type { ChatMessage, ChatToolCall } from './messages.js';
import { requestStep } from './model-request.js';
import type { ResolvedOptions } from './options.js';
import type { AssembledStep } from './stream-assembler.js';
import { runToolCall } from './tool-call.js';
import type { ToolDefinition } from './tools/schemas.js';
import type { ToolContext } from './tools/types.js';

export interface TurnContext {
  options: ResolvedOptions;
  engine: string;
  sessionId: string;
  /** The conversation; the turn appends to it and leaves it valid for the next turn. */
  messages: ChatMessage[];
  tools: ToolDefinition[];
  toolContext: ToolContext;
  approve: ApproveFn;
  pricing: Pricing | undefined;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  /** Called with every step's usage as it arrives (session totals). */
  onUsage: (usage: TokenUsage) => void;
}

/**
 * The agent loop (reference/protocols.md §4.6): call the model, stream its reply, run the tool calls
 * it asked for, feed the results back, until it stops, hits `maxSteps` or the turn is cancelled.
 * Resolves with the turn's result; never throws.
 */
export async function runTurn(ctx: TurnContext): Promise<TurnResult> {
  let usage = zeroUsage(true);
  let sawUsage = false;
  const open = new Map<string, Extract<AgentEvent, { type: 'tool_call_started' }>>();
  const emit = (event: AgentEvent): void => {
    if (event.type === 'tool_call_started') open.set(event.callId, event);
    if (event.type === 'tool_call_completed') open.delete(event.callId);
    ctx.emit(event);
  };
  const end = (stopReason: TurnResult['stopReason'], error?: TurnError): TurnResult => {
    const status = stopReason === 'cancelled' ? 'cancelled' : 'incomplete';
    for (const started of open.values()) {
      ctx.emit({ ...started, type: 'tool_call_completed', status, output: status === 'cancelled' ? 'cancelled' : 'never run: the turn ended first' });
    }
    const incomplete = status === 'incomplete' ? [...open.keys()] : [];
    open.clear();
    const turnUsage = sawUsage ? usage : zeroUsage(usage.exact);
    const result: TurnResult = { stopReason, usage: turnUsage, costUsd: costOf(turnUsage, ctx.pricing) };
    if (error) result.error = error;
    if (incomplete.length > 0) result.incompleteToolCalls = incomplete;
    return result;
  };

  for (let stepNumber = 1; ; stepNumber += 1) {
    if (ctx.signal.aborted) return end('cancelled');
    if (stepNumber > ctx.options.maxSteps) {
      emit({ type: 'notice', level: 'warn', text: `stopped after ${ctx.options.maxSteps} model calls (maxSteps)` });
      return end('max_steps');
    }
    const outcome = await requestStep({
      options: ctx.options,
      engine: ctx.engine,
      body: requestBody(ctx),
      stepNumber,
      signal: ctx.signal,
      emit,
    });
    if (outcome.kind === 'cancelled') return end('cancelled');
    if (outcome.kind === 'failed') return end(outcome.stopReason, outcome.error);
    const step = outcome.step;
    if (step.usage) {
      sawUsage = true;
      usage = addUsage(usage, step.usage);
      emit({ type: 'usage', turn: step.usage, exact: true });
      ctx.onUsage(step.usage);
    } else {
      usage = { ...usage, exact: false };
    }

    if (step.finishReason === 'length') {
      ctx.messages.push(assistantMessage(step, false));
      return end('max_tokens');
    }
    if (step.finishReason === 'content_filter') {
      ctx.messages.push(assistantMessage(step, false));
      return end('refusal');
    }
    ctx.messages.push(assistantMessage(step, true));
    if (step.toolCalls.length === 0) return end('end_turn');

    for (const [i, call] of step.toolCalls.entries()) {
      if (ctx.signal.aborted) {
        // Every tool_call needs an answer, or the next request is invalid.
        for (const skipped of step.toolCalls.slice(i)) ctx.messages.push(toolMessage(skipped.id, 'cancelled before it ran: the turn was cancelled'));
        return end('cancelled');
      }
      const run = await runToolCall(call, ctx.toolContext, ctx.approve, ctx.options.readOnly, emit);
      ctx.messages.push(toolMessage(call.id, run.content));
    }
  }
}

function requestBody(ctx: TurnContext): Record<string, unknown> {
  const { options } = ctx;
  const body: Record<string, unknown> = {
    model: options.model,
    messages: ctx.messages,
    stream: true,
    stream_options: { include_usage: true },
    prompt_cache_key: ctx.sessionId,
  };
  if (ctx.tools.length > 0) body.tools = ctx.tools;
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.maxCompletionTokens !== undefined) body.max_completion_tokens = options.maxCompletionTokens;
  if (options.thinking !== undefined) body.thinking = { type: options.thinking ? 'enabled' : 'disabled' };
  return body;
}

/** The assistant message for the history: reasoning kept (Moonshot needs it back), empty content dropped. */
function assistantMessage(step: AssembledStep, withTools: boolean): ChatMessage {
  const message: Extract<ChatMessage, { role: 'assistant' }> = { role: 'assistant' };
  const calls = withTools ? step.toolCalls : [];
  if (step.content !== '' || calls.length === 0) message.content = step.content;
  if (step.reasoning !== '') message.reasoning_content = step.reasoning;
  if (calls.length > 0) {
    message.tool_calls = calls.map((c): ChatToolCall => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return message;
}

function toolMessage(callId: string, content: string): ChatMessage {
  return { role: 'tool', tool_call_id: callId, content };
}
