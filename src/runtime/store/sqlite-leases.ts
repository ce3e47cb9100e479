import type { AcquireResult, Lease, LeaseClaim, LeaseResult, TaskStatus } from '../../core/store/types.js';
import type { TaskRef } from '../../core/store/types.js';
import { toLease, type LeaseRow } from './rows.js';
import { SqliteWrites } from './sqlite-writes.js';

/**
 * Leases with fencing tokens. `tasks.fence` only ever grows; each grant takes the next
 * value, so a holder whose lease expired and was re-granted carries a token lower than
 * the task's fence and every write it attempts is refused.
 */
export class SqliteOps extends SqliteWrites {
  acquireLease(ref: TaskRef, owner: string, ttlMs: number): AcquireResult {
    const current = this.getLease(ref);
    if (current && this.isLive(current)) return { ok: false, reason: 'held', holder: current.owner };
    if (current) this.expire(current); // expired but not yet swept: re-queue it first, with its event
    const task = this.getTask(ref);
    if (!task) return { ok: false, reason: 'no_task' };
    if (task.status !== 'queued') return { ok: false, reason: 'not_queued' };
    const now = this.now();
    const token = task.fence + 1;
    this.q("UPDATE tasks SET status = 'leased', attempts = attempts + 1, fence = ?, updated_at = ? WHERE goal_id = ? AND id = ?").run(
      token,
      now.toISOString(),
      ref.goalId,
      ref.taskId,
    );
    this.q('INSERT INTO leases (goal_id, task_id, owner, token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      ref.goalId,
      ref.taskId,
      owner,
      token,
      now.toISOString(),
      expiry(now, ttlMs),
    );
    return { ok: true, lease: this.getLease(ref)! };
  }

  renewLease(claim: LeaseClaim, ttlMs: number): LeaseResult {
    const checked = this.check(claim);
    if (!checked.ok) return checked;
    this.q('UPDATE leases SET expires_at = ? WHERE goal_id = ? AND task_id = ?').run(
      expiry(this.now(), ttlMs),
      claim.goalId,
      claim.taskId,
    );
    return { ok: true, lease: this.getLease(claim)! };
  }

  releaseLease(claim: LeaseClaim, status: TaskStatus): LeaseResult {
    const checked = this.check(claim);
    if (!checked.ok) return checked;
    this.q('DELETE FROM leases WHERE goal_id = ? AND task_id = ?').run(claim.goalId, claim.taskId);
    this.updateTaskStatus(claim, status);
    return checked;
  }

  expireLeases(): Lease[] {
    const rows = this.q<[string], LeaseRow>('SELECT * FROM leases WHERE expires_at <= ? ORDER BY expires_at').all(
      this.now().toISOString(),
    );
    const leases = rows.map(toLease);
    for (const lease of leases) this.expire(lease);
    return leases;
  }

  private expire(lease: Lease): void {
    this.q('DELETE FROM leases WHERE goal_id = ? AND task_id = ?').run(lease.goalId, lease.taskId);
    // Only a task still held goes back to the queue: one cancelled (or otherwise settled) while its
    // lease row lingered must not be resurrected.
    if (this.getTask(lease)?.status === 'leased') this.updateTaskStatus(lease, 'queued');
    this.appendEvent(lease.goalId, 'task.lease_expired', {
      task_id: lease.taskId,
      owner: lease.owner,
      token: lease.token,
      expired_at: lease.expiresAt,
    });
  }

  private check(claim: LeaseClaim): LeaseResult {
    const lease = this.getLease(claim);
    if (lease && lease.token !== claim.token) return { ok: false, reason: 'stale_token' };
    if (!lease) {
      const fence = this.getTask(claim)?.fence ?? 0;
      return { ok: false, reason: claim.token < fence ? 'stale_token' : 'not_held' };
    }
    if (lease.owner !== claim.owner) return { ok: false, reason: 'not_held' };
    if (!this.isLive(lease)) return { ok: false, reason: 'expired' };
    return { ok: true, lease };
  }

  private isLive(lease: Lease): boolean {
    return lease.expiresAt > this.now().toISOString();
  }
}

function expiry(now: Date, ttlMs: number): string {
  return new Date(now.getTime() + ttlMs).toISOString();
}
