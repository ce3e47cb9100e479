import type { BusMessage, EventBus } from '../../core/bus.js';
import type { GoalEvent } from '../../core/events/envelope.js';
import type { CommittedListener } from '../../core/store/store.js';

/**
 * Bridges the durable log to the in-process bus: pass the result as `onCommitted` to
 * `openStore`. Events reach the bus only after they are committed and mirrored, and
 * `publish` never waits for a subscriber, so a slow view cannot hold up or lose the log.
 */
export function publishCommitted(bus: EventBus): CommittedListener {
  return (events: readonly GoalEvent[]) => {
    for (const event of events) bus.publish(toBusMessage(event));
  };
}

export function toBusMessage(event: GoalEvent): BusMessage {
  // The catalogue validated the payload on append; the bus carries it as the typed union.
  return { type: event.type, payload: event.payload, ts: event.ts, goal_id: event.goal_id, seq: event.seq } as BusMessage;
}
