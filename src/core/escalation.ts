import type { BusMessage } from './bus.js';
import type { EventType } from './events/catalogue.js';

/**
 * The escalation log's line model and the pure mapping from bus messages to lines.
 * Ported from the predecessor's `entry_from_event` (omk 0.5.0, escalation_log.rs),
 * with three deliberate changes: `ts` is the fact's own time (the message's `ts`,
 * not the writer's clock), `confidence` carries the router's confidence instead of
 * always null, and `goal_id` is filled from the message whenever it names a goal.
 */

export const ESCALATION_KINDS = [
  'router_escalation',
  'worker_started',
  'worker_completed',
  'goal_created',
  'gate_transition',
  'proof_ready',
  'cancelled',
  'failed',
  'refused',
  // Written by the log writer itself, never mapped from an event: it fell behind and
  // lost events, so the audit trail records the hole instead of hiding it.
  'events_missed',
] as const;

export type EscalationKind = (typeof ESCALATION_KINDS)[number];

/** One line of `pending_escalations.jsonl`; field order here is the order on disk. */
export interface EscalationLogEntry {
  ts: string;
  kind: EscalationKind;
  goal_id: string | null;
  intent: string | null;
  summary: string;
  confidence: number | null;
  auto_proceed: boolean;
}

/**
 * Event types that can produce a line. The writer uses it as a cheap bus filter, so
 * frequent non-escalation events (cost, classifier) never fill its queue.
 */
export const ESCALATION_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'router.escalated',
  'worker.started',
  'worker.completed',
  'goal.created',
  'gate.transitioned',
  'gate.started',
  'gate.finished',
  'gate.breaker_transitioned',
  'proof.ready',
  'goal.cancelled',
  'goal.failed',
  'request.refused',
]);

/** Whether `entryFromEvent` may return a line for this message (it can still return null). */
export function isEscalationCandidate(message: BusMessage): boolean {
  return ESCALATION_EVENT_TYPES.has(message.type);
}

/** Maps an escalation-class message to its log line; null for everything else, including unknown types. */
export function entryFromEvent(message: BusMessage): EscalationLogEntry | null {
  const goalId = message.goal_id ?? null;
  const line = (
    kind: EscalationKind,
    summary: string,
    extra: Partial<Pick<EscalationLogEntry, 'goal_id' | 'intent' | 'confidence' | 'auto_proceed'>> = {},
  ): EscalationLogEntry => ({
    ts: message.ts,
    kind,
    goal_id: extra.goal_id ?? goalId,
    intent: extra.intent ?? null,
    summary,
    confidence: extra.confidence ?? null,
    auto_proceed: extra.auto_proceed ?? false,
  });

  switch (message.type) {
    case 'router.escalated': {
      const { intent, target_mode, preflight, confidence } = message.payload;
      // A trivial request is answered directly: nothing escalated, nothing to audit.
      if (intent === 'trivial') return null;
      return line('router_escalation', `escalating to ${target_mode}`, {
        intent: intent.toLowerCase(),
        confidence: confidence ?? null,
        auto_proceed: !preflight,
      });
    }
    case 'worker.started': {
      const { worker_id, kind, task } = message.payload;
      return line('worker_started', `${kind}: ${task} (${worker_id})`);
    }
    case 'worker.completed': {
      const { worker_id, ok } = message.payload;
      return line('worker_completed', `${worker_id} ${ok ? 'completed' : 'failed'}`);
    }
    case 'goal.created': {
      const { goal_id, parent_id } = message.payload;
      return line('goal_created', parent_id === undefined ? 'goal created' : 'child goal created', { goal_id });
    }
    case 'gate.transitioned': {
      const { gate, from, to } = message.payload;
      return line('gate_transition', `gate ${gate}: ${from} -> ${to}`);
    }
    // The gate runner records starts and ends; each is a transition of that gate.
    case 'gate.started':
      return line('gate_transition', `gate ${message.payload.gate}: pending -> running`);
    case 'gate.finished': {
      const { gate, outcome, cached } = message.payload;
      return line('gate_transition', `gate ${gate}: running -> ${outcome}${cached ? ' (cached)' : ''}`);
    }
    case 'gate.breaker_transitioned': {
      const { gate, from, to } = message.payload;
      return line('gate_transition', `gate ${gate} circuit breaker: ${from} -> ${to}`);
    }
    case 'proof.ready':
      return line('proof_ready', `proof ready at ${message.payload.path}`);
    case 'goal.cancelled': {
      const { reason } = message.payload;
      return line('cancelled', reason === undefined ? 'goal cancelled' : `goal cancelled: ${reason}`);
    }
    case 'goal.failed':
      return line('failed', message.payload.reason);
    case 'request.refused': {
      const { reason, intent } = message.payload;
      return line('refused', reason, { intent: intent === undefined ? null : intent.toLowerCase() });
    }
    default:
      // classifier.decided, cost.recorded, goal.status_changed, and types from a newer omk.
      return null;
  }
}

/** The line the writer appends when it lost `missed` events to overflow. */
export function eventsMissedEntry(ts: string, missed: number): EscalationLogEntry {
  return {
    ts,
    kind: 'events_missed',
    goal_id: null,
    intent: null,
    summary: `escalation log fell behind and missed ${missed} events`,
    confidence: null,
    auto_proceed: false,
  };
}
