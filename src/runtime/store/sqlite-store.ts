import type Database from 'better-sqlite3';
import type { EventPayload, EventType } from '../../core/events/catalogue.js';
import type { EventEnvelope, GoalEvent } from '../../core/events/envelope.js';
import { OmkError } from '../../core/errors.js';
import type { CommittedListener, Store, StoreTx } from '../../core/store/store.js';
import type { CostTotal, EventHead, EventRange, FeedEvent, Goal, Lease, Task, TaskRef } from '../../core/store/types.js';
import type { GoalLog } from '../../core/goal/controller/goal-log.js';
import { FOLD_VERSION } from '../../core/goal/controller/log-snapshot.js';
import { GoalLogCache, type LogSource } from './goal-log-cache.js';
import { catchUpLog, logNeedsCatchUp, type HealReport } from '../events/jsonl-mirror.js';
import { eventsFile } from '../events/log-file.js';
import type { Logger } from '../logger.js';
import { DEFAULT_BUSY_POLICY, busyError, isBusyError, withBusyRetry, type BusyPolicy } from './busy.js';
import { openDatabase, openDatabaseReadOnly } from './open-db.js';
import type { ControllerRecord } from '../../core/store/controllers.js';
import { gateStoreReader, gateStoreWriter, SqliteGateRecords } from './sqlite-gates.js';
import type { SqliteOps } from './sqlite-leases.js';
import { SqliteReads } from './sqlite-reads.js';

export interface OpenStoreOptions {
  /** `<repo>/.omk/omk.db` (paths.dbFile). */
  dbFile: string;
  /** `<repo>/.omk/goals` (paths.goalsDir); events.jsonl mirrors live under it. */
  goalsDir: string;
  /** The clock for timestamps and lease expiry. @default () => new Date() */
  now?: () => Date;
  /** Receives committed events after they are mirrored. Its throws are logged and swallowed. */
  onCommitted?: CommittedListener;
  /** Where mirror and subscriber failures are reported. @default silent */
  log?: Pick<Logger, 'warn'>;
  /** Bring every goal's events.jsonl up to date with the store while opening. @default true */
  healOnOpen?: boolean;
  /** @default DEFAULT_BUSY_POLICY */
  busy?: Partial<BusyPolicy>;
  /**
   * Open an existing database for reading only: nothing is migrated, healed or created, and
   * `transaction` refuses. What read commands use (they never write). @default false
   */
  readOnly?: boolean;
}

/** Opens `.omk/omk.db`, migrating it forward; refuses a newer or foreign file untouched. */
export async function openStore(options: OpenStoreOptions): Promise<SqliteStore> {
  const policy: BusyPolicy = { ...DEFAULT_BUSY_POLICY, ...options.busy };
  if (options.readOnly) {
    const { db, version } = openDatabaseReadOnly(options.dbFile);
    return new SqliteStore(db, options, policy, version);
  }
  const db = await openDatabase(options.dbFile, policy);
  const store = new SqliteStore(db, options, policy);
  if (options.healOnOpen ?? true) await store.healAll();
  return store;
}

/** Wraps a synchronous call so that its throw becomes a rejection. */
function later<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

/**
 * The SQLite store. One connection; calls from this process are queued so that an
 * open transaction never sees (or is seen by) another caller's statements. Processes
 * coordinate through SQLite's write lock (BEGIN IMMEDIATE).
 */
export class SqliteStore implements Store {
  readonly dbFile: string;
  readonly goalsDir: string;
  private readonly now: () => Date;
  private readonly reads: SqliteReads;
  private readonly gateRecords: SqliteGateRecords;
  readonly gates: Store['gates'];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly logs = new GoalLogCache();

  constructor(
    private readonly db: Database.Database,
    private readonly options: OpenStoreOptions,
    private readonly policy: BusyPolicy,
    schema?: number,
  ) {
    this.dbFile = options.dbFile;
    this.goalsDir = options.goalsDir;
    this.now = options.now ?? (() => new Date());
    this.reads = new SqliteReads(db, schema);
    this.gateRecords = new SqliteGateRecords(db);
    this.gates = gateStoreReader((fn) => this.exclusive(() => fn(this.gateRecords)));
  }

  eventsFile(goalId: string): string {
    return eventsFile(this.goalsDir, goalId);
  }

  getGoal(id: string): Promise<Goal | undefined> {
    return this.read((r) => r.getGoal(id));
  }
  listGoals(): Promise<Goal[]> {
    return this.read((r) => r.listGoals());
  }
  resolveGoal(ref: string): Promise<Goal> {
    return this.read((r) => r.resolveGoal(ref));
  }
  getTask(ref: TaskRef): Promise<Task | undefined> {
    return this.read((r) => r.getTask(ref));
  }
  listTasks(goalId: string): Promise<Task[]> {
    return this.read((r) => r.listTasks(goalId));
  }
  getLease(ref: TaskRef): Promise<Lease | undefined> {
    return this.read((r) => r.getLease(ref));
  }
  readEvents(goalId: string, range?: EventRange): Promise<EventEnvelope[]> {
    return this.read((r) => r.readEvents(goalId, range));
  }
  eventHead(goalId: string): Promise<EventHead> {
    return this.read((r) => r.eventHead(goalId));
  }
  costTotal(goalId: string): Promise<CostTotal> {
    return this.read((r) => r.costTotal(goalId));
  }
  readEventsAfter(goalId: string, afterSeq: number, limit?: number): Promise<EventEnvelope[]> {
    return this.read((r) => r.readEventsAfter(goalId, afterSeq, limit));
  }
  goalLog(goalId: string): Promise<GoalLog> {
    return this.exclusive(() => this.logs.current(goalId, logSource(this.reads)));
  }
  readFeed(after: number, limit: number): Promise<FeedEvent[]> {
    return this.read((r) => r.readFeed(after, limit));
  }
  feedHead(): Promise<number> {
    return this.read((r) => r.feedHead());
  }
  controller(goalId: string): Promise<ControllerRecord | undefined> {
    return this.read((r) => r.controller(goalId));
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.options.readOnly) return Promise.reject(new OmkError('internal', `the store ${this.dbFile} was opened read-only`));
    return this.exclusive(async () => {
      // Loaded on the first write: the write path validates payloads against the event catalogue
      // (zod), which read commands never need (docs/decisions/0001, start-up budget).
      const { SqliteOps } = await import('./sqlite-leases.js');
      const ops = new SqliteOps(this.db, this.now);
      const tx = new Tx(ops, this.gateRecords, this.now, this.logs);
      await this.begin('a write transaction');
      let result: T;
      try {
        result = await fn(tx);
        for (const goalId of new Set(ops.appended.map((e) => e.goal_id))) {
          await this.logs.maybeSnapshot(goalId, logSource(ops), (seq, text) => ops.writeSnapshot(goalId, seq, text, FOLD_VERSION), (error) =>
            this.options.log?.warn('goal snapshot not written; readers fold the tail instead', { goalId, error: String(error) }),
          );
        }
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        // The cache may have folded events this transaction appended; they are gone now.
        for (const goalId of new Set(ops.appended.map((e) => e.goal_id))) this.logs.forget(goalId);
        throw isBusyError(error) ? busyError('committing', error) : error;
      } finally {
        tx.end();
      }
      if (ops.appended.length > 0) await this.publish(ops.appended);
      return result;
    });
  }

  /** SQLite's `data_version`: changes whenever another connection commits (a cheap "anything new?"). */
  dataVersion(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  /** Brings one goal's events.jsonl up to date with the store (missing tail, torn last line). */
  healEventLog(goalId: string): Promise<HealReport> {
    return this.exclusive(() => this.catchUp(goalId));
  }

  /** Heals every goal whose log is behind the store or ends in a torn line. */
  healAll(): Promise<HealReport[]> {
    return this.exclusive(async () => {
      const reports: HealReport[] = [];
      for (const { goalId, seq } of this.reads.eventHeads()) {
        if (logNeedsCatchUp(this.eventsFile(goalId), seq)) reports.push(await this.catchUp(goalId));
      }
      return reports;
    });
  }

  close(): Promise<void> {
    return this.exclusive(() => {
      if (!this.closed) {
        this.closed = true;
        this.db.close();
      }
    });
  }

  private read<T>(fn: (reads: SqliteReads) => T): Promise<T> {
    return this.exclusive(() => fn(this.reads));
  }

  /** Serialises this process's use of the connection; a failed call does not block the next. */
  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new OmkError('internal', 'the store is closed');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private begin(what: string): Promise<void> {
    return withBusyRetry(() => void this.db.exec('BEGIN IMMEDIATE'), this.policy, what);
  }

  /** Under the write lock (no writes of its own), so JSONL appends from all processes land in seq order. */
  private async catchUp(goalId: string): Promise<HealReport> {
    await this.begin(`mirroring events of ${goalId}`);
    try {
      return catchUpLog({
        goalId,
        file: this.eventsFile(goalId),
        readAfter: (seq) => this.reads.readEvents(goalId, { fromSeq: seq + 1 }),
        now: this.now,
      });
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /** After commit: mirror, then notify. Neither may undo or fail a committed transaction. */
  private async publish(events: readonly GoalEvent[]): Promise<void> {
    for (const goalId of new Set(events.map((e) => e.goal_id))) {
      try {
        await this.catchUp(goalId);
      } catch (error) {
        this.options.log?.warn('events.jsonl not updated; it heals on next open', { goalId, error: String(error) });
      }
    }
    try {
      this.options.onCommitted?.(events);
    } catch (error) {
      this.options.log?.warn('an event subscriber threw', { error: String(error) });
    }
  }
}

/** The cache's view of one connection (or of the transaction open on it). */
function logSource(reads: SqliteReads): LogSource {
  return {
    headSeq: (goalId) => reads.eventHead(goalId).seq,
    snapshot: (goalId) => reads.snapshot(goalId),
    eventsAfter: (goalId, seq) => reads.readEventsAfter(goalId, seq),
  };
}

/** The handle a transaction callback receives; unusable once the transaction has ended. */
class Tx implements StoreTx {
  private ended = false;
  readonly gates: StoreTx['gates'];
  constructor(
    private readonly ops: SqliteOps,
    gateRecords: SqliteGateRecords,
    now: () => Date,
    private readonly logs: GoalLogCache,
  ) {
    this.gates = gateStoreWriter((fn) => this.run(() => fn(gateRecords)), now);
  }

  end(): void {
    this.ended = true;
  }

  private run<T>(fn: (ops: SqliteOps) => T): Promise<T> {
    return later(() => {
      if (this.ended) throw new OmkError('internal', 'transaction handle used after the transaction ended');
      return fn(this.ops);
    });
  }

  getGoal = (id: string) => this.run((o) => o.getGoal(id));
  listGoals = () => this.run((o) => o.listGoals());
  resolveGoal = (ref: string) => this.run((o) => o.resolveGoal(ref));
  getTask = (ref: TaskRef) => this.run((o) => o.getTask(ref));
  listTasks = (goalId: string) => this.run((o) => o.listTasks(goalId));
  getLease = (ref: TaskRef) => this.run((o) => o.getLease(ref));
  readEvents = (goalId: string, range?: EventRange) => this.run((o) => o.readEvents(goalId, range));
  eventHead = (goalId: string) => this.run((o) => o.eventHead(goalId));
  costTotal = (goalId: string) => this.run((o) => o.costTotal(goalId));
  readEventsAfter = (goalId: string, afterSeq: number, limit?: number) => this.run((o) => o.readEventsAfter(goalId, afterSeq, limit));
  readFeed = (after: number, limit: number) => this.run((o) => o.readFeed(after, limit));
  feedHead = () => this.run((o) => o.feedHead());
  controller = (goalId: string) => this.run((o) => o.controller(goalId));
  goalLog = (goalId: string): Promise<GoalLog> => {
    if (this.ended) return Promise.reject(new OmkError('internal', 'transaction handle used after the transaction ended'));
    return this.logs.current(goalId, logSource(this.ops));
  };
  createGoal: StoreTx['createGoal'] = (goal) => this.run((o) => o.createGoal(goal));
  updateGoalStatus: StoreTx['updateGoalStatus'] = (id, status) => this.run((o) => o.updateGoalStatus(id, status));
  createTask: StoreTx['createTask'] = (task) => this.run((o) => o.createTask(task));
  updateTaskStatus: StoreTx['updateTaskStatus'] = (ref, status) => this.run((o) => o.updateTaskStatus(ref, status));
  acquireLease: StoreTx['acquireLease'] = (ref, owner, ttlMs) => this.run((o) => o.acquireLease(ref, owner, ttlMs));
  renewLease: StoreTx['renewLease'] = (claim, ttlMs) => this.run((o) => o.renewLease(claim, ttlMs));
  releaseLease: StoreTx['releaseLease'] = (claim, status) => this.run((o) => o.releaseLease(claim, status));
  expireLeases: StoreTx['expireLeases'] = () => this.run((o) => o.expireLeases());
  appendCost: StoreTx['appendCost'] = (entry) => this.run((o) => o.appendCost(entry));
  appendEvent<T extends EventType>(goalId: string, type: T, payload: EventPayload<T>): Promise<GoalEvent> {
    return this.run((o) => o.appendEvent(goalId, type, payload));
  }
}
