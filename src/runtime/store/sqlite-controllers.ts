import type Database from 'better-sqlite3';
import type { ControllerClaim, ControllerRecord, ControllerRegistry } from '../../core/store/controllers.js';
import { DEFAULT_BUSY_POLICY, withBusyRetry, type BusyPolicy } from './busy.js';
import { openDatabase } from './open-db.js';

interface Row {
  goal_id: string;
  owner: string;
  pid: number;
  host: string;
  started_at: string;
  heartbeat_at: string;
}

const toRecord = (r: Row): ControllerRecord => ({ goalId: r.goal_id, owner: r.owner, pid: r.pid, host: r.host, startedAt: r.started_at, heartbeatAt: r.heartbeat_at });

/**
 * The `goal_controllers` table (migration 3) on its own connection to `.omk/omk.db`. Every call is
 * one short synchronous statement or `BEGIN IMMEDIATE` transaction, so it never interleaves with a
 * store transaction of this process (those await only microtasks) and SQLite's lock orders it with
 * other processes.
 */
export async function openControllerRegistry(options: { dbFile: string; now?: () => Date; busy?: Partial<BusyPolicy> }): Promise<ControllerRegistry> {
  const policy: BusyPolicy = { ...DEFAULT_BUSY_POLICY, ...options.busy };
  const db = await openDatabase(options.dbFile, policy);
  return new SqliteControllerRegistry(db, options.now ?? (() => new Date()), policy);
}

class SqliteControllerRegistry implements ControllerRegistry {
  private closed = false;
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
    private readonly policy: BusyPolicy,
  ) {}

  get(goalId: string): Promise<ControllerRecord | undefined> {
    return Promise.resolve(this.read(goalId));
  }

  async claim(record: Omit<ControllerRecord, 'startedAt' | 'heartbeatAt'>, isAlive: (current: ControllerRecord) => boolean): Promise<ControllerClaim> {
    return this.write('claiming a goal controller', () => {
      const current = this.read(record.goalId);
      if (current && current.owner !== record.owner && isAlive(current)) return { ok: false, holder: current };
      const ts = this.now().toISOString();
      this.db
        .prepare(
          `INSERT INTO goal_controllers (goal_id, owner, pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(goal_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
             started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
        )
        .run(record.goalId, record.owner, record.pid, record.host, ts, ts);
      return { ok: true, previous: current && current.owner !== record.owner ? current : undefined };
    });
  }

  heartbeat(goalId: string, owner: string): Promise<boolean> {
    return this.write('renewing a controller heartbeat', () => {
      const r = this.db.prepare('UPDATE goal_controllers SET heartbeat_at = ? WHERE goal_id = ? AND owner = ?').run(this.now().toISOString(), goalId, owner);
      return r.changes === 1;
    });
  }

  async release(goalId: string, owner: string): Promise<void> {
    await this.write('releasing a goal controller', () => this.db.prepare('DELETE FROM goal_controllers WHERE goal_id = ? AND owner = ?').run(goalId, owner));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }

  private read(goalId: string): ControllerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM goal_controllers WHERE goal_id = ?').get(goalId) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  private async write<T>(what: string, fn: () => T): Promise<T> {
    await withBusyRetry(() => void this.db.exec('BEGIN IMMEDIATE'), this.policy, what);
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }
}
