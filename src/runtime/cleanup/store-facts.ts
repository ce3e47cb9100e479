/** What cleanup needs from the store: each goal's status, the leases, and re-queueing expired ones. */
import { existsSync } from 'node:fs';
import type { GoalStatus, Lease } from '../../core/store/types.js';
import type { Logger } from '../logger.js';
import type { RequeuedLease } from './report.js';

export interface StoreFacts {
  /** Goal id → status. Empty when the repository has no store yet. */
  goals: Map<string, GoalStatus>;
  /** Every lease as it was before expiry, keyed by `leaseKey`. */
  leases: Map<string, Lease>;
  /** Expired leases: re-queued, or (dry run) the ones that would be. */
  requeued: RequeuedLease[];
}

export interface StoreFactsOptions {
  dbFile: string;
  goalsDir: string;
  now: () => Date;
  log?: Pick<Logger, 'warn'>;
  /** Report expired leases without re-queueing them. */
  dryRun: boolean;
}

export function leaseKey(goalId: string, taskId: string): string {
  return `${goalId}\0${taskId}`;
}

/**
 * Reads goals and leases and, unless dry-running, re-queues expired leases through the store's own
 * `expireLeases` (one transaction, a `task.lease_expired` event per task). A repository without a
 * store is left without one: opening would create the database.
 */
export async function gatherStoreFacts(opts: StoreFactsOptions): Promise<StoreFacts> {
  const facts: StoreFacts = { goals: new Map(), leases: new Map(), requeued: [] };
  if (!existsSync(opts.dbFile)) return facts;
  const { openStore } = await import('../store/sqlite-store.js');
  // No healing on open: a dry run must not write, and cleanup does not need the JSONL mirrors.
  const store = await openStore({ dbFile: opts.dbFile, goalsDir: opts.goalsDir, now: opts.now, healOnOpen: false, ...(opts.log ? { log: opts.log } : {}) });
  try {
    for (const goal of await store.listGoals()) {
      facts.goals.set(goal.id, goal.status);
      for (const task of await store.listTasks(goal.id)) {
        const lease = await store.getLease({ goalId: goal.id, taskId: task.id });
        if (lease !== undefined) facts.leases.set(leaseKey(goal.id, task.id), lease);
      }
    }
    const expired = opts.dryRun
      ? [...facts.leases.values()].filter((l) => l.expiresAt <= opts.now().toISOString()).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
      : await store.transaction((tx) => tx.expireLeases());
    facts.requeued = expired.map((l) => ({ goal_id: l.goalId, task_id: l.taskId, owner: l.owner, token: l.token, expired_at: l.expiresAt }));
  } finally {
    await store.close();
  }
  return facts;
}
