import type Database from 'better-sqlite3';
import { genesisHash, type EventEnvelope } from '../../core/events/envelope.js';
import { LATEST, pickGoalId } from '../../core/store/goal-ref.js';
import { OmkError } from '../../core/errors.js';
import type { CostTotal, EventHead, EventRange, FeedEvent, Goal, Lease, Task, TaskRef } from '../../core/store/types.js';
import type { StoredSnapshot } from './goal-log-cache.js';
import type { ControllerRecord } from '../../core/store/controllers.js';
import { SCHEMA_VERSION } from './migrations.js';
import { toEnvelope, toGoal, toLease, toTask, type EventRow, type GoalRow, type LeaseRow, type TaskRow } from './rows.js';

type Db = Database.Database;

/** Prepared statements per connection, shared by every transaction on it. */
const CACHES = new WeakMap<Db, Map<string, Database.Statement<unknown[], unknown>>>();

/** Synchronous reads over one connection; used inside and outside transactions. */
export class SqliteReads {
  #schema: number;

  /** @param schema the database's schema version: a read-only connection to an older file does without newer tables. */
  constructor(
    protected readonly db: Db,
    schema: number = SCHEMA_VERSION,
  ) {
    this.#schema = schema;
  }

  /**
   * The schema version, read again while it is older than ours: a reader may open the file while
   * the first writer is still migrating it, and must see the new tables once that commits.
   */
  get schema(): number {
    if (this.#schema < SCHEMA_VERSION) this.#schema = Number(this.db.pragma('user_version', { simple: true }));
    return this.#schema;
  }

  /** A prepared statement, compiled once per connection. */
  protected q<P extends unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let cache = CACHES.get(this.db);
    if (!cache) CACHES.set(this.db, (cache = new Map<string, Database.Statement<unknown[], unknown>>()));
    let statement = cache.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      cache.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  getGoal(id: string): Goal | undefined {
    const row = this.q<[string], GoalRow>('SELECT * FROM goals WHERE id = ?').get(id);
    return row && toGoal(row);
  }

  listGoals(): Goal[] {
    return this
      .q<[], GoalRow>('SELECT * FROM goals ORDER BY created_at DESC, rowid DESC')
      .all()
      .map(toGoal);
  }

  resolveGoal(ref: string): Goal {
    if (ref === LATEST) {
      const row = this.q<[], GoalRow>('SELECT * FROM goals ORDER BY created_at DESC, rowid DESC LIMIT 1').get();
      if (!row) throw new OmkError('not_found', 'there are no goals in this repository yet', { hint: 'start one with `omk goal run "…"`' });
      return toGoal(row);
    }
    const exact = this.getGoal(ref);
    if (exact) return exact;
    if (ref === '') return this.resolveGoal(LATEST);
    const ids = this
      .q<[string, string, string], { id: string }>(
        'SELECT id FROM goals WHERE id >= ? AND substr(id, 1, length(?)) = ? ORDER BY id LIMIT 11',
      )
      .all(ref, ref, ref)
      .map((r) => r.id);
    return this.getGoal(pickGoalId(ref, ids))!;
  }

  getTask(ref: TaskRef): Task | undefined {
    const row = this
      .q<[string, string], TaskRow>('SELECT * FROM tasks WHERE goal_id = ? AND id = ?')
      .get(ref.goalId, ref.taskId);
    return row && toTask(row);
  }

  listTasks(goalId: string): Task[] {
    return this
      .q<[string], TaskRow>('SELECT * FROM tasks WHERE goal_id = ? ORDER BY created_at, id')
      .all(goalId)
      .map(toTask);
  }

  getLease(ref: TaskRef): Lease | undefined {
    const row = this
      .q<[string, string], LeaseRow>('SELECT * FROM leases WHERE goal_id = ? AND task_id = ?')
      .get(ref.goalId, ref.taskId);
    return row && toLease(row);
  }

  readEvents(goalId: string, range: EventRange = {}): EventEnvelope[] {
    return this
      .q<[string, number, number], EventRow>(
        'SELECT seq, ts, type, payload, prev, hash FROM events WHERE goal_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
      )
      .all(goalId, range.fromSeq ?? 1, range.toSeq ?? Number.MAX_SAFE_INTEGER)
      .map(toEnvelope);
  }

  eventHead(goalId: string): EventHead {
    const row = this
      .q<[string], { seq: number; hash: string }>(
        'SELECT seq, hash FROM events WHERE goal_id = ? ORDER BY seq DESC LIMIT 1',
      )
      .get(goalId);
    return row ?? { seq: 0, hash: genesisHash(goalId) };
  }

  /** Events of every goal committed after feed position `after`, in commit order (the goal feed for "all goals"). */
  readFeed(after: number, limit: number): FeedEvent[] {
    if (this.schema < 4) {
      throw new OmkError('failed', `this store predates the feed across goals (schema ${this.schema})`, { hint: 'run any omk command that writes in this repository (e.g. omk gates status) to upgrade it, then try again' });
    }
    return this
      .q<[number, number], EventRow & { goal_id: string; feed_id: number }>(
        `SELECT f.id AS feed_id, e.goal_id, e.seq, e.ts, e.type, e.payload, e.prev, e.hash
           FROM event_feed f JOIN events e ON e.goal_id = f.goal_id AND e.seq = f.seq
          WHERE f.id > ? ORDER BY f.id LIMIT ?`,
      )
      .all(after, limit)
      .map((r) => ({ ...toEnvelope(r), goal_id: r.goal_id, position: r.feed_id }));
  }

  /** The feed position of the last committed event (0 when there is none). */
  feedHead(): number {
    if (this.schema < 4) return 0;
    return this.q<[], { id: number | null }>('SELECT max(id) AS id FROM event_feed').get()?.id ?? 0;
  }

  /** Events of one goal after `afterSeq`, at most `limit`, in seq order. */
  readEventsAfter(goalId: string, afterSeq: number, limit: number = Number.MAX_SAFE_INTEGER): EventEnvelope[] {
    return this
      .q<[string, number, number], EventRow>('SELECT seq, ts, type, payload, prev, hash FROM events WHERE goal_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(goalId, afterSeq, limit)
      .map(toEnvelope);
  }

  snapshot(goalId: string): StoredSnapshot | undefined {
    if (this.schema < 4) return undefined;
    const row = this.q<[string], { seq: number; fold_version: number; log: string }>('SELECT seq, fold_version, log FROM goal_snapshots WHERE goal_id = ?').get(goalId);
    return row && { seq: row.seq, foldVersion: row.fold_version, log: row.log };
  }

  /** The goal's controller row (migration 3), if a controller holds or held it. */
  controller(goalId: string): ControllerRecord | undefined {
    const r = this.q<[string], { goal_id: string; owner: string; pid: number; host: string; started_at: string; heartbeat_at: string }>('SELECT * FROM goal_controllers WHERE goal_id = ?').get(goalId);
    return r && { goalId: r.goal_id, owner: r.owner, pid: r.pid, host: r.host, startedAt: r.started_at, heartbeatAt: r.heartbeat_at };
  }

  /** Every goal's last seq, for healing all logs on open. */
  eventHeads(): Array<{ goalId: string; seq: number }> {
    return this
      .q<[], { goal_id: string; seq: number }>('SELECT goal_id, MAX(seq) AS seq FROM events GROUP BY goal_id')
      .all()
      .map((r) => ({ goalId: r.goal_id, seq: r.seq }));
  }

  costTotal(goalId: string): CostTotal {
    const row = this
      .q<[string], { turns: number; tin: number; tout: number; tcached: number; usd: number; est: number }>(
        `SELECT count(*) AS turns, coalesce(sum(tokens_in), 0) AS tin, coalesce(sum(tokens_out), 0) AS tout,
                coalesce(sum(tokens_cached), 0) AS tcached, coalesce(sum(usd), 0) AS usd,
                coalesce(max(accuracy = 'estimated'), 0) AS est
           FROM cost_ledger WHERE goal_id = ?`,
      )
      .get(goalId)!;
    return {
      goalId,
      turns: row.turns,
      tokensIn: row.tin,
      tokensOut: row.tout,
      tokensCached: row.tcached,
      usd: row.usd,
      estimated: row.est === 1,
    };
  }
}
