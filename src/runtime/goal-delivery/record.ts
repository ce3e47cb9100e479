import type { EventPayload } from '../../core/events/catalogue.js';
import type { Store } from '../../core/store/store.js';

type DeliveryEvent = 'delivery.pr_opened' | 'delivery.merged' | 'delivery.merge_refused' | 'delivery.failed';

/** Appends a delivery fact to the goal's chain in its own transaction; returns the event's seq. */
export async function recordDelivery<T extends DeliveryEvent>(store: Store, goalId: string, type: T, payload: EventPayload<T>): Promise<number> {
  const event = await store.transaction((tx) => tx.appendEvent(goalId, type, payload));
  return event.seq;
}
