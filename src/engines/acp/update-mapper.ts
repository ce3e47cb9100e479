import type { AgentEvent, ToolCallStatus } from '../session.js';
import { arr, isObj, num, obj, str } from '../loose.js';
import type { Obj } from '../loose.js';
import { extrasOf, mergeCall, newCall, stateOf } from './tool-call.js';
import type { TrackedCall } from './tool-call.js';

/**
 * Maps ACP `session/update` payloads to normalised events, tracking tool-call state so every event
 * carries the call's merged state and each call completes exactly once. Unknown kinds → `raw`.
 */
export class UpdateMapper {
  private readonly calls = new Map<string, TrackedCall>();
  /** Characters of agent output seen (text, thoughts, tool payloads), for usage estimates. */
  outputChars = 0;
  /** Tool calls seen since the last `beginTurn()`. */
  toolCalls = 0;

  map(update: Obj, message: unknown): AgentEvent[] {
    switch (update.sessionUpdate) {
      case 'agent_message_chunk':
      case 'agent_thought_chunk': {
        const content = obj(update.content);
        const text = content?.type === 'text' ? str(content.text) : undefined;
        if (text === undefined) return [raw(message)];
        this.outputChars += text.length;
        const messageId = str(update.messageId);
        const type = update.sessionUpdate === 'agent_message_chunk' ? 'text_delta' : 'thinking_delta';
        return [messageId === undefined ? { type, text } : { type, text, messageId }];
      }
      case 'tool_call':
      case 'tool_call_update':
        return this.toolCall(update, message);
      case 'plan':
        return [{ type: 'plan', entries: planEntries(update.entries) }];
      case 'usage_update': {
        const used = num(update.used);
        const size = num(update.size);
        if (used === undefined || size === undefined) return [raw(message)];
        const cost = obj(update.cost);
        const amount = num(cost?.amount);
        const costUsd = amount !== undefined && str(cost?.currency)?.toUpperCase() === 'USD' ? amount : undefined;
        return [{ type: 'usage', context: { used, size }, exact: false, ...(costUsd !== undefined ? { costUsd } : {}) }];
      }
      case 'current_mode_update': {
        const mode = str(update.currentModeId) ?? str(update.modeId);
        return mode === undefined ? [raw(message)] : [{ type: 'mode_changed', mode }];
      }
      default:
        return [raw(message)];
    }
  }

  /** Ids of tool calls that are still open. */
  openCalls(): string[] {
    return [...this.calls.values()].filter((c) => !c.finished).map((c) => c.callId);
  }

  /** Closes every open call (those `which` picks) with `status` (the turn ended); returns the events to emit. */
  finishOpen(status: ToolCallStatus, which: (callId: string) => boolean = () => true): AgentEvent[] {
    const events: AgentEvent[] = [];
    for (const call of this.calls.values()) {
      if (call.finished || !which(call.callId)) continue;
      call.finished = true;
      call.status = status;
      events.push({ type: 'tool_call_completed', ...stateOf(call), ...extrasOf(call) });
    }
    return events;
  }

  /** The tracked call for an id, created from `seed` if new (a permission request may come first). */
  callFor(callId: string, seed: Obj): { call: TrackedCall; isNew: boolean } {
    const known = this.calls.get(callId);
    if (known) return { call: known, isNew: false };
    const call = newCall(callId, seed);
    this.calls.set(callId, call);
    this.toolCalls++;
    return { call, isNew: true };
  }

  /** A new turn: counters restart and calls of earlier turns are forgotten. */
  beginTurn(): void {
    this.outputChars = 0;
    this.toolCalls = 0;
    this.calls.clear();
  }

  private toolCall(update: Obj, message: unknown): AgentEvent[] {
    const callId = str(update.toolCallId);
    if (callId === undefined) return [raw(message)];
    const events: AgentEvent[] = [];
    const { call, isNew } = this.callFor(callId, {});
    const before = call.chars;
    mergeCall(call, update);
    this.outputChars += call.chars - before;
    if (isNew) events.push({ type: 'tool_call_started', ...stateOf(call) });
    if (call.finished) return events.length > 0 ? events : [raw(message)];
    if (call.status === 'completed' || call.status === 'failed') {
      call.finished = true;
      events.push({ type: 'tool_call_completed', ...stateOf(call), ...extrasOf(call) });
    } else if (!isNew) {
      events.push({ type: 'tool_call_updated', ...stateOf(call), ...extrasOf(call) });
    }
    return events;
  }
}

function planEntries(value: unknown): Array<{ content: string; status: string; priority?: string }> {
  const out: Array<{ content: string; status: string; priority?: string }> = [];
  for (const entry of arr(value)) {
    if (!isObj(entry)) continue;
    const priority = str(entry.priority);
    out.push({ content: str(entry.content) ?? '', status: str(entry.status) ?? 'pending', ...(priority ? { priority } : {}) });
  }
  return out;
}

function raw(message: unknown): AgentEvent {
  return { type: 'raw', protocol: 'acp', message };
}
