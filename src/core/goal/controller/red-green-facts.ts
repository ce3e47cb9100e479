import type { EventPayload } from '../../events/catalogue.js';
import type { EventEnvelope } from '../../events/envelope.js';

export type RedGreenPrepared = EventPayload<'red_green.prepared'> & { seq: number };

/**
 * The red→green scratch trees a goal built (`red_green.prepared`), oldest first. Folded apart from
 * goal-log.ts: only the review and proof steps and `omk goal proof --verify` read them.
 */
export function redGreenPrepared(events: readonly EventEnvelope[]): RedGreenPrepared[] {
  return events.filter((e) => e.type === 'red_green.prepared').map((e) => ({ ...(e.payload as EventPayload<'red_green.prepared'>), seq: e.seq }));
}

/** The tree of the latest scratch build for `headSha`, or null (no test file changed, or it was never built). */
export function changeTestsTree(prepared: readonly RedGreenPrepared[], headSha: string | undefined): string | null {
  return prepared.filter((p) => p.head_sha === headSha).at(-1)?.tree_sha ?? null;
}
