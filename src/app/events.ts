import type { EventLogReport } from '../runtime/events/verify-log.js';
import type { AppContext } from './context.js';
import { withRepoStore } from './repo.js';

export type { EventLogReport } from '../runtime/events/verify-log.js';
export type { ChainProblemKind } from '../core/events/chain.js';

/**
 * `events verify`: the goal's hash-chained log checked line by line against the store. The log is
 * first brought up to date with the store (what any store open does), so a crash between commit and
 * mirror is not reported as tampering; what that did is in the report.
 */
export function verifyGoalEvents(ctx: AppContext, ref: string): Promise<EventLogReport & { file: string }> {
  return withRepoStore(ctx, 'write', async (store) => {
    const { verifyEventLog } = await import('../runtime/events/verify-log.js');
    const { id } = await store.resolveGoal(ref);
    const heal = await store.healEventLog(id);
    const file = store.eventsFile(id);
    return { ...verifyEventLog({ file, goalId: id, storeEvents: await store.readEvents(id), heal }), file };
  }, { heal: false });
}
