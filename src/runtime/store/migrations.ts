/**
 * Forward-only schema migrations. The list is append-only: never edit a shipped
 * migration, add the next one. `PRAGMA user_version` holds the last applied version;
 * each migration runs in its own transaction together with the version bump.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'goals, tasks, leases, events, cost ledger',
    sql: `
      CREATE TABLE goals (
        id         TEXT PRIMARY KEY,
        prompt     TEXT NOT NULL,
        status     TEXT NOT NULL,
        parent_id  TEXT REFERENCES goals(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX goals_created_at ON goals(created_at);

      CREATE TABLE tasks (
        goal_id    TEXT NOT NULL REFERENCES goals(id),
        id         TEXT NOT NULL,
        title      TEXT NOT NULL,
        status     TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        fence      INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (goal_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX tasks_status ON tasks(goal_id, status);

      CREATE TABLE leases (
        goal_id     TEXT NOT NULL,
        task_id     TEXT NOT NULL,
        owner       TEXT NOT NULL,
        token       INTEGER NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        PRIMARY KEY (goal_id, task_id),
        FOREIGN KEY (goal_id, task_id) REFERENCES tasks(goal_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX leases_expires_at ON leases(expires_at);

      CREATE TABLE events (
        goal_id TEXT NOT NULL REFERENCES goals(id),
        seq     INTEGER NOT NULL,
        ts      TEXT NOT NULL,
        type    TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev    TEXT NOT NULL,
        hash    TEXT NOT NULL,
        PRIMARY KEY (goal_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE cost_ledger (
        id            INTEGER PRIMARY KEY,
        goal_id       TEXT NOT NULL REFERENCES goals(id),
        task_id       TEXT,
        engine        TEXT NOT NULL,
        model         TEXT NOT NULL,
        tokens_in     INTEGER NOT NULL,
        tokens_out    INTEGER NOT NULL,
        tokens_cached INTEGER NOT NULL,
        usd           REAL NOT NULL,
        accuracy      TEXT NOT NULL CHECK (accuracy IN ('exact', 'estimated')),
        ts            TEXT NOT NULL
      );
      CREATE INDEX cost_ledger_goal ON cost_ledger(goal_id);
    `,
  },
  {
    version: 2,
    name: 'gate result cache, circuit breakers',
    sql: `
      CREATE TABLE gate_cache (
        key        TEXT PRIMARY KEY,
        gate       TEXT NOT NULL,
        tree_sha   TEXT NOT NULL,
        evidence   TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX gate_cache_tree ON gate_cache(tree_sha);

      CREATE TABLE gate_breakers (
        scope                TEXT NOT NULL,
        gate                 TEXT NOT NULL,
        state                TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
        consecutive_failures INTEGER NOT NULL,
        opened_at            TEXT,
        last_reason          TEXT,
        updated_at           TEXT NOT NULL,
        PRIMARY KEY (scope, gate)
      ) WITHOUT ROWID;

      CREATE TABLE gate_breaker_transitions (
        id                   INTEGER PRIMARY KEY,
        scope                TEXT NOT NULL,
        gate                 TEXT NOT NULL,
        from_state           TEXT NOT NULL,
        to_state             TEXT NOT NULL,
        reason               TEXT NOT NULL,
        consecutive_failures INTEGER NOT NULL,
        goal_id              TEXT,
        ts                   TEXT NOT NULL
      );
      CREATE INDEX gate_breaker_transitions_gate ON gate_breaker_transitions(scope, gate);
    `,
  },
  {
    version: 3,
    name: 'goal controllers (who drives a goal, with a heartbeat)',
    sql: `
      CREATE TABLE goal_controllers (
        goal_id      TEXT PRIMARY KEY REFERENCES goals(id),
        owner        TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'event feed order across goals, folded-log snapshots',
    sql: `
      -- Commit order of every event, across goals: the goal feed's cursor for "all goals" (docs/goal-view.md).
      -- SQLite serialises writers, so id order is commit order.
      CREATE TABLE event_feed (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        goal_id TEXT NOT NULL,
        seq     INTEGER NOT NULL
      );
      INSERT INTO event_feed (goal_id, seq) SELECT goal_id, seq FROM events ORDER BY ts, goal_id, seq;
      CREATE UNIQUE INDEX event_feed_event ON event_feed(goal_id, seq);

      -- A cache of each goal's folded log at some seq, so readers fold only the tail. Never evidence.
      CREATE TABLE goal_snapshots (
        goal_id      TEXT PRIMARY KEY REFERENCES goals(id),
        seq          INTEGER NOT NULL,
        fold_version INTEGER NOT NULL,
        log          TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

/** The newest schema this omk knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;
