import type { EventPayload, EventType } from '../events/catalogue.js';
import type { EventEnvelope, GoalEvent } from '../events/envelope.js';
import type { GateStoreReader, GateStoreWriter } from '../gates/records.js';
import type { GoalLog } from '../goal/controller/goal-log.js';
import type { ControllerRecord } from './controllers.js';
import type {
  AcquireResult,
  CostEntry,
  CostTotal,
  EventHead,
  EventRange,
  FeedEvent,
  Goal,
  GoalStatus,
  Lease,
  LeaseClaim,
  LeaseResult,
  NewCostEntry,
  NewGoal,
  NewTask,
  Task,
  TaskRef,
  TaskStatus,
} from './types.js';

/**
 * The repository store, as the rest of omk sees it. Asynchronous throughout so that a
 * PostgreSQL implementation can satisfy it unchanged (see docs/decisions/0002-store-interface.md).
 * Every write happens inside `transaction`; a state change and the event recording it
 * go in the same transaction, so both land or neither does.
 */
export interface StoreReader {
  getGoal(id: string): Promise<Goal | undefined>;
  /** Newest first. */
  listGoals(): Promise<Goal[]>;
  /**
   * An exact id, a unique id prefix, or `latest` (most recently created).
   * Throws `not_found` when nothing matches and `usage` (listing candidates) when a prefix is ambiguous.
   */
  resolveGoal(ref: string): Promise<Goal>;
  getTask(ref: TaskRef): Promise<Task | undefined>;
  listTasks(goalId: string): Promise<Task[]>;
  getLease(ref: TaskRef): Promise<Lease | undefined>;
  readEvents(goalId: string, range?: EventRange): Promise<EventEnvelope[]>;
  /** One goal's events after `afterSeq` (at most `limit`), in seq order: an indexed read of the tail. */
  readEventsAfter(goalId: string, afterSeq: number, limit?: number): Promise<EventEnvelope[]>;
  eventHead(goalId: string): Promise<EventHead>;
  /**
   * The goal's events folded (the controller's GoalLog), as of the last committed event: a snapshot
   * plus the events after it, never a re-fold of the whole log. The result is the caller's own copy.
   * Inside a transaction it includes the transaction's own appends.
   */
  goalLog(goalId: string): Promise<GoalLog>;
  /**
   * Every goal's events committed after feed position `after` (0: from the first), at most `limit`, in
   * commit order; positions only grow. What the goal feed for all goals reads (docs/goal-view.md).
   */
  readFeed(after: number, limit: number): Promise<FeedEvent[]>;
  /** The position of the last committed event in the feed (0 when there is none). */
  feedHead(): Promise<number>;
  /** The goal's controller record (who drives it, with a heartbeat), if any: what `status` shows. */
  controller(goalId: string): Promise<ControllerRecord | undefined>;
  costTotal(goalId: string): Promise<CostTotal>;
  /** Gate result cache and circuit breakers (docs/gates.md). */
  readonly gates: GateStoreReader;
}

export interface StoreTx extends StoreReader {
  createGoal(goal: NewGoal): Promise<Goal>;
  /** Returns the goal as it was before the change (for the event's `from`). Throws `not_found`. */
  updateGoalStatus(id: string, status: GoalStatus): Promise<Goal>;
  createTask(task: NewTask): Promise<Task>;
  /** For transitions outside a lease (e.g. cancel). Throws `not_found`. */
  updateTaskStatus(ref: TaskRef, status: TaskStatus): Promise<Task>;
  /** Grants a lease on a queued task: a new fencing token, status `leased`, attempts + 1. */
  acquireLease(ref: TaskRef, owner: string, ttlMs: number): Promise<AcquireResult>;
  /** Extends a live lease held with this exact owner and token. */
  renewLease(claim: LeaseClaim, ttlMs: number): Promise<LeaseResult>;
  /** Ends a live lease and sets the task's status (`done`, `failed`, back to `queued`…). */
  releaseLease(claim: LeaseClaim, status: TaskStatus): Promise<LeaseResult>;
  /**
   * Re-queues every task whose lease expired at or before the store clock's now,
   * appending a `task.lease_expired` event to its goal. Returns the expired leases.
   */
  expireLeases(): Promise<Lease[]>;
  /**
   * Appends an event to the goal's chain. The payload is validated against the
   * catalogue and redacted first; an unknown type or invalid payload is a programmer
   * error and throws `internal` (rolling the transaction back).
   */
  appendEvent<T extends EventType>(goalId: string, type: T, payload: EventPayload<T>): Promise<GoalEvent>;
  appendCost(entry: NewCostEntry): Promise<CostEntry>;
  readonly gates: GateStoreWriter;
}

export interface Store extends StoreReader {
  /**
   * Runs `fn` in one write transaction and commits when it resolves; rolls back when it
   * throws. Await only `tx` calls inside it: the write lock is held until it returns.
   * After commit, appended events are mirrored to their goals' events.jsonl and handed
   * to the `onCommitted` subscriber. Do not nest transactions.
   * Throws `store_busy` (retryable) when the lock stays taken past the retry budget.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Receives events after they are committed and mirrored; its failures are logged, never propagated. */
export type CommittedListener = (events: readonly GoalEvent[]) => void;
