import type { EventEnvelope } from '../../core/events/envelope.js';
import type { CostEntry, Goal, GoalStatus, Lease, Task, TaskStatus } from '../../core/store/types.js';

/** Row shapes as SQLite returns them, and their mapping to domain records. */
export interface GoalRow {
  id: string;
  prompt: string;
  status: string;
  parent_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface TaskRow {
  goal_id: string;
  id: string;
  title: string;
  status: string;
  attempts: number;
  fence: number;
  created_at: string;
  updated_at: string;
}

export interface LeaseRow {
  goal_id: string;
  task_id: string;
  owner: string;
  token: number;
  acquired_at: string;
  expires_at: string;
}

export interface EventRow {
  seq: number;
  ts: string;
  type: string;
  payload: string;
  prev: string;
  hash: string;
}

export interface CostRow {
  id: number;
  goal_id: string;
  task_id: string | null;
  engine: string;
  model: string;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  usd: number;
  accuracy: 'exact' | 'estimated';
  ts: string;
}

export function toGoal(row: GoalRow): Goal {
  return {
    id: row.id,
    prompt: row.prompt,
    // Statuses written by a newer omk pass through as-is; the type is what this omk writes.
    status: row.status as GoalStatus,
    parentId: row.parent_id ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toTask(row: TaskRow): Task {
  return {
    goalId: row.goal_id,
    id: row.id,
    title: row.title,
    status: row.status as TaskStatus,
    attempts: row.attempts,
    fence: row.fence,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toLease(row: LeaseRow): Lease {
  return {
    goalId: row.goal_id,
    taskId: row.task_id,
    owner: row.owner,
    token: row.token,
    acquiredAt: row.acquired_at,
    expiresAt: row.expires_at,
  };
}

export function toEnvelope(row: EventRow): EventEnvelope {
  return { seq: row.seq, ts: row.ts, type: row.type, payload: JSON.parse(row.payload) as unknown, prev: row.prev, hash: row.hash };
}

export function toCost(row: CostRow): CostEntry {
  return {
    id: row.id,
    goalId: row.goal_id,
    taskId: row.task_id ?? undefined,
    engine: row.engine,
    model: row.model,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    tokensCached: row.tokens_cached,
    usd: row.usd,
    accuracy: row.accuracy,
    ts: row.ts,
  };
}
