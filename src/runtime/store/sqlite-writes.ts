import type Database from 'better-sqlite3';
import { isKnownEventType, validateEventPayload, type EventPayload, type EventType } from '../../core/events/catalogue.js';
import { buildEnvelope, type GoalEvent } from '../../core/events/envelope.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { OmkError } from '../../core/errors.js';
import { redactDeep } from '../../core/redact.js';
import type { CostEntry, Goal, GoalStatus, NewCostEntry, NewGoal, NewTask, Task, TaskRef, TaskStatus } from '../../core/store/types.js';
import { toCost, type CostRow } from './rows.js';
import { SqliteReads } from './sqlite-reads.js';

type Db = Database.Database;

const GOAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Synchronous writes, only ever called between BEGIN IMMEDIATE and COMMIT. Events
 * appended here are collected so that the store can mirror and publish them after commit.
 */
export class SqliteWrites extends SqliteReads {
  readonly appended: GoalEvent[] = [];

  constructor(
    db: Db,
    protected readonly now: () => Date,
  ) {
    super(db);
  }

  createGoal(goal: NewGoal): Goal {
    // The id names a directory (.omk/goals/<id>) and is typed on command lines.
    if (!GOAL_ID.test(goal.id)) throw new OmkError('internal', `createGoal: invalid goal id ${JSON.stringify(goal.id)}`);
    const ts = this.now().toISOString();
    this.q('INSERT INTO goals (id, prompt, status, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      goal.id,
      goal.prompt,
      goal.status ?? 'created',
      goal.parentId ?? null,
      ts,
      ts,
    );
    return this.getGoal(goal.id)!;
  }

  updateGoalStatus(id: string, status: GoalStatus): Goal {
    const before = this.getGoal(id);
    if (!before) throw new OmkError('not_found', `no goal ${id}`);
    this.q('UPDATE goals SET status = ?, updated_at = ? WHERE id = ?').run(status, this.now().toISOString(), id);
    return before;
  }

  createTask(task: NewTask): Task {
    const ts = this.now().toISOString();
    this.q('INSERT INTO tasks (goal_id, id, title, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      task.goalId,
      task.id,
      task.title,
      task.status ?? 'queued',
      ts,
      ts,
    );
    return this.getTask({ goalId: task.goalId, taskId: task.id })!;
  }

  updateTaskStatus(ref: TaskRef, status: TaskStatus): Task {
    const result = this.q('UPDATE tasks SET status = ?, updated_at = ? WHERE goal_id = ? AND id = ?').run(
      status,
      this.now().toISOString(),
      ref.goalId,
      ref.taskId,
    );
    if (result.changes === 0) throw new OmkError('not_found', `no task ${ref.taskId} in goal ${ref.goalId}`);
    return this.getTask(ref)!;
  }

  appendEvent<T extends EventType>(goalId: string, type: T, payload: EventPayload<T>): GoalEvent {
    // Both checks guard against omk bugs: callers are typed, but casts and JSON slip through.
    if (!isKnownEventType(type)) throw new OmkError('internal', `appendEvent: unknown event type "${String(type)}"`);
    const stored = JSON.parse(canonicalJson(redactDeep(payload))) as unknown;
    const check = validateEventPayload(type, stored);
    if (!check.ok) throw new OmkError('internal', `appendEvent: invalid payload: ${check.message}`);
    if (!this.getGoal(goalId)) throw new OmkError('not_found', `appendEvent: no goal ${goalId}`);
    const head = this.eventHead(goalId);
    const envelope = buildEnvelope({ seq: head.seq + 1, ts: this.now().toISOString(), type, payload: stored, prev: head.hash });
    this.q('INSERT INTO events (goal_id, seq, ts, type, payload, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      goalId,
      envelope.seq,
      envelope.ts,
      envelope.type,
      canonicalJson(envelope.payload),
      envelope.prev,
      envelope.hash,
    );
    this.q('INSERT INTO event_feed (goal_id, seq) VALUES (?, ?)').run(goalId, envelope.seq);
    const event: GoalEvent = { goal_id: goalId, ...envelope };
    this.appended.push(event);
    return event;
  }

  writeSnapshot(goalId: string, seq: number, log: string, foldVersion: number): void {
    this.q(
      `INSERT INTO goal_snapshots (goal_id, seq, fold_version, log) VALUES (?, ?, ?, ?)
       ON CONFLICT (goal_id) DO UPDATE SET seq = excluded.seq, fold_version = excluded.fold_version, log = excluded.log`,
    ).run(goalId, seq, foldVersion, log);
  }

  appendCost(entry: NewCostEntry): CostEntry {
    const result = this.q(
      `INSERT INTO cost_ledger (goal_id, task_id, engine, model, tokens_in, tokens_out, tokens_cached, usd, accuracy, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      entry.goalId,
      entry.taskId ?? null,
      entry.engine,
      entry.model,
      entry.tokensIn,
      entry.tokensOut,
      entry.tokensCached ?? 0,
      entry.usd,
      entry.accuracy,
      this.now().toISOString(),
    );
    const row = this.q<[number | bigint], CostRow>('SELECT * FROM cost_ledger WHERE id = ?').get(result.lastInsertRowid);
    return toCost(row!);
  }
}
