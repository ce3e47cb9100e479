import type { EventPayload, EventType } from './catalogue.js';
import type { EventEnvelope, GoalEvent } from './envelope.js';

/**
 * The catalogue's type names, without its schemas: readers that must know whether a type is one of
 * ours (the status read path, the feed) load no zod. The catalogue is declared `satisfies`
 * a record over these names, so the two lists cannot drift apart (a missing or extra name does not compile).
 */
export const EVENT_TYPES = [
  'goal.created',
  'goal.containment_chosen',
  'goal.status_changed',
  'goal.cancelled',
  'goal.failed',
  'gate.transitioned',
  'gate.started',
  'gate.finished',
  'gate.breaker_transitioned',
  'proof.ready',
  'task.lease_expired',
  'goal.intake_assessed',
  'goal.question_asked',
  'engine.unavailable',
  'decision.recorded',
  'goal.planned',
  'gate.run_recorded',
  'baseline.completed',
  'task.started',
  'task.attempt_finished',
  'task.blocked',
  'task.completed',
  'task.failed',
  'goal.controller_started',
  'goal.pause_requested',
  'goal.cancel_requested',
  'goal.paused',
  'goal.resumed',
  'task.attempt_interrupted',
  'worktree.recovered',
  'worktree.bootstrapped',
  'budget.set',
  'budget.extended',
  'budget.checkpoint',
  'budget.exhausted',
  'budget.reserved',
  'budget.released',
  'goal.stalled',
  'goal.round_started',
  'integration.merged',
  'integration.conflicted',
  'integration.bisected',
  'task.proposal_rejected',
  'task.added',
  'integration.completed',
  'red_green.prepared',
  'review.completed',
  'proof.written',
  'human.accepted',
  'human.rejected',
  'delivery.pr_opened',
  'delivery.merged',
  'delivery.merge_refused',
  'delivery.failed',
  'notify.attempt_failed',
  'notify.delivered',
  'notify.failed',
  'classifier.decided',
  'router.escalated',
  'worker.started',
  'worker.completed',
  'request.refused',
  'cost.recorded',
  'approval.decided',
  'approval.requested',
] as const;
export type EventTypeName = (typeof EVENT_TYPES)[number];

const NAMES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** A type omk knows; any other comes from a newer omk and is kept, not failed on. */
export function isEventTypeName(type: string): type is EventTypeName {
  return NAMES.has(type);
}

/** One event whose payload has its catalogue type: readers switch on `type` and get typed payloads. */
export type TypedEnvelope = { [T in EventType]: Omit<EventEnvelope, 'type' | 'payload'> & { type: T; payload: EventPayload<T> } }[EventType];
export type TypedGoalEvent = TypedEnvelope & { goal_id: string };

/**
 * Types an envelope from the store or a verified log by its catalogue entry; undefined for a type this
 * omk does not know. The payload is not re-validated here: the store validated it on append and the hash
 * chain covers it (`omk events verify` and `proof --verify` validate every payload against the catalogue).
 */
export function typedEvent(envelope: GoalEvent): TypedGoalEvent | undefined;
export function typedEvent(envelope: EventEnvelope): TypedEnvelope | undefined;
export function typedEvent(envelope: EventEnvelope): TypedEnvelope | undefined {
  // The one narrowing from stored data to the catalogue's types (see the note above).
  return isEventTypeName(envelope.type) ? (envelope as TypedEnvelope) : undefined;
}
