import type { GoalEvent } from '../events/envelope.js';
import type { TypedGoalEvent } from '../events/event-types.js';
import type { WorkerView } from '../goal/view/goal-view.js';

/**
 * The goal feed (docs/goal-view.md): one stream of what happens to goals, across processes. Committed
 * events come in seq order per goal (or commit order across goals) with no gap and no duplicate, and
 * can be resumed from the last one seen; live agent activity rides along, ephemeral and bounded.
 * The SQLite store implements it with a change signal plus indexed reads after the cursor; a
 * PostgreSQL store implements the same with LISTEN/NOTIFY and the same catch-up read.
 */

/** What a running agent is doing, as its process reports it; redacted where it is produced. */
export type LiveActivity =
  /** An attempt began or ended in this process. */
  | { kind: 'attempt'; state: 'started' | 'ended'; engine: string }
  /** The attempt's lease was renewed: its holder is alive. */
  | { kind: 'heartbeat' }
  /** Streamed answer text, in order (assembled so that no secret is split across messages). */
  | { kind: 'text'; text: string }
  | { kind: 'tool_call'; id: string; tool: string; title: string; command: string | null; status: 'started' | 'completed' | 'failed' }
  | { kind: 'approval'; tool: string; summary: string; decision: 'allow' | 'deny'; rule: string | null }
  /** The turn's usage so far; `usd` null when the engine has no pricing. */
  | { kind: 'usage'; tokens_in: number; tokens_out: number; usd: number | null; exact: boolean };

export interface LiveMessage {
  kind: 'live';
  goal_id: string;
  /** The task the agent works on; null for a planner or reviewer turn. */
  task_id: string | null;
  attempt: number | null;
  role: 'planner' | 'executor' | 'reviewer';
  /** The lease owner id of the process the agent runs in. */
  owner: string;
  ts: string;
  activity: LiveActivity;
}

export interface CommittedMessage {
  kind: 'event';
  event: GoalEvent;
  /** The event with its catalogue type; undefined for a type from a newer omk (kept, not dropped). */
  typed: TypedGoalEvent | undefined;
  /** Commit order across goals (the all-goals cursor); null on a one-goal subscription. */
  position: number | null;
  /** No later event had been committed when this one was read: the subscriber has caught up (for now). */
  latest: boolean;
}

/** Live messages this subscriber lost because it read too slowly (never committed events: those are re-read). */
export interface LaggedMessage {
  kind: 'lagged';
  missed: number;
}

export type FeedMessage = CommittedMessage | LiveMessage | LaggedMessage;

export interface FeedSubscription {
  /** One goal's events (resumed with `afterSeq`), or, when absent, every goal's (resumed with `afterPosition`). */
  goal?: string;
  /** Committed events with a greater seq. @default 0 (the whole log) */
  afterSeq?: number;
  /** For all goals: events after this feed position. @default 0 */
  afterPosition?: number;
  /** Also deliver live agent activity. @default true */
  live?: boolean;
  /** Ends the iteration (the iterator returns). */
  signal?: AbortSignal;
}

export interface GoalFeed {
  subscribe(subscription: FeedSubscription): AsyncIterable<FeedMessage>;
  /** The running agents of a goal right now, from the live sources (no waiting for a message). */
  workers(goalId: string): Promise<WorkerView[]>;
  close(): Promise<void>;
}
