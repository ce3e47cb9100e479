import type { GoalEvent } from '../events/envelope.js';
/**
 * Domain records as the store returns them. Minimal on purpose: later work (goal
 * lifecycle, scheduler) extends them through new migrations and new fields.
 */

export { GOAL_STATUSES, type GoalStatus } from '../goal/status.js';
import type { GoalStatus } from '../goal/status.js';

export interface Goal {
  id: string;
  prompt: string;
  status: GoalStatus;
  parentId: string | undefined;
  /** ISO-8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

export interface NewGoal {
  id: string;
  prompt: string;
  /** @default 'created' */
  status?: GoalStatus;
  parentId?: string;
}

export { TASK_STATUSES, type TaskStatus } from '../goal/status.js';
import type { TaskStatus } from '../goal/status.js';

export interface Task {
  goalId: string;
  id: string;
  title: string;
  status: TaskStatus;
  /** Times a lease was granted on this task. */
  attempts: number;
  /** The last fencing token handed out for this task (0 before the first lease). */
  fence: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewTask {
  goalId: string;
  id: string;
  title: string;
  /** @default 'queued' */
  status?: TaskStatus;
}

export interface TaskRef {
  goalId: string;
  taskId: string;
}

export interface Lease extends TaskRef {
  owner: string;
  /** Strictly increasing per task; a write carrying an older token is rejected. */
  token: number;
  acquiredAt: string;
  expiresAt: string;
}

/** What a lease holder presents to renew or release: who it is and which grant it holds. */
export interface LeaseClaim extends TaskRef {
  owner: string;
  token: number;
}

export type LeaseRejection = 'not_held' | 'stale_token' | 'expired';

/** Lease outcomes are data, not throws: losing a lease is an expected event for a worker. */
export type LeaseResult = { ok: true; lease: Lease } | { ok: false; reason: LeaseRejection };

export type AcquireResult =
  | { ok: true; lease: Lease }
  | { ok: false; reason: 'held' | 'not_queued' | 'no_task'; holder?: string };

export type CostAccuracy = 'exact' | 'estimated';

export interface NewCostEntry {
  goalId: string;
  taskId?: string;
  engine: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  /** @default 0 */
  tokensCached?: number;
  usd: number;
  accuracy: CostAccuracy;
}

export interface CostEntry extends Required<Omit<NewCostEntry, 'taskId'>> {
  id: number;
  taskId: string | undefined;
  ts: string;
}

export interface CostTotal {
  goalId: string;
  turns: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  usd: number;
  /** True when any row is an estimate, so the total is one too. */
  estimated: boolean;
}

export interface EventHead {
  /** 0 when the goal has no events yet. */
  seq: number;
  /** The last event's hash, or the goal's genesis hash when empty. */
  hash: string;
}

/** An event as the goal feed for all goals reads it: with its goal and its position in commit order. */
export interface FeedEvent extends GoalEvent {
  /** Commit order across goals; the all-goals feed resumes after a position. */
  position: number;
}

export interface EventRange {
  /** First seq to return. @default 1 */
  fromSeq?: number;
  /** Last seq to return (inclusive). @default the head */
  toSeq?: number;
}
