import type { BreakerRecord, BreakerState, BreakerTransition } from '../../core/gates/breaker.js';
import type { GateEvidence } from '../../core/gates/evidence.js';
import type { BreakerTransitionRecord, GateStoreReader, GateStoreWriter } from '../../core/gates/records.js';
import { SqliteReads } from './sqlite-reads.js';

interface CacheRow {
  key: string;
  evidence: string;
}

interface BreakerRow {
  scope: string;
  gate: string;
  state: BreakerState;
  consecutive_failures: number;
  opened_at: string | null;
  last_reason: string | null;
  updated_at: string;
}

interface TransitionRow {
  scope: string;
  gate: string;
  from_state: BreakerState;
  to_state: BreakerState;
  reason: string;
  consecutive_failures: number;
  goal_id: string | null;
  ts: string;
}

/** Gate cache and breaker rows (migration 2). Synchronous; the store wraps it in its queue and transactions. */
export class SqliteGateRecords extends SqliteReads {
  getCachedRun(key: string): GateEvidence | undefined {
    const row = this.q<[string], CacheRow>('SELECT key, evidence FROM gate_cache WHERE key = ?').get(key);
    if (!row) return undefined;
    try {
      const evidence = JSON.parse(row.evidence) as GateEvidence;
      // A row from another omk version, or damaged: a miss, never a wrong answer.
      return evidence.version === 1 && evidence.cache_key === key ? evidence : undefined;
    } catch {
      return undefined;
    }
  }

  putCachedRun(evidence: GateEvidence, now: Date): void {
    this.q(
      'INSERT OR REPLACE INTO gate_cache (key, gate, tree_sha, evidence, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(evidence.cache_key, evidence.name, evidence.tree_sha, JSON.stringify(evidence), now.toISOString());
  }

  getBreaker(scope: string, gate: string): BreakerRecord | undefined {
    const row = this.q<[string, string], BreakerRow>('SELECT * FROM gate_breakers WHERE scope = ? AND gate = ?').get(scope, gate);
    return row && toBreaker(row);
  }

  listBreakers(scope: string): BreakerRecord[] {
    return this.q<[string], BreakerRow>('SELECT * FROM gate_breakers WHERE scope = ? ORDER BY gate').all(scope).map(toBreaker);
  }

  listBreakerTransitions(scope: string, gate?: string): BreakerTransitionRecord[] {
    const rows =
      gate === undefined
        ? this.q<[string], TransitionRow>('SELECT * FROM gate_breaker_transitions WHERE scope = ? ORDER BY id').all(scope)
        : this.q<[string, string], TransitionRow>(
            'SELECT * FROM gate_breaker_transitions WHERE scope = ? AND gate = ? ORDER BY id',
          ).all(scope, gate);
    return rows.map((r) => ({
      scope: r.scope,
      gate: r.gate,
      from: r.from_state,
      to: r.to_state,
      reason: r.reason,
      consecutive_failures: r.consecutive_failures,
      ...(r.goal_id === null ? {} : { goal_id: r.goal_id }),
      ts: r.ts,
    }));
  }

  putBreaker(record: BreakerRecord, transition: BreakerTransition | undefined, goalId: string | undefined, now: Date): void {
    this.q(
      `INSERT OR REPLACE INTO gate_breakers (scope, gate, state, consecutive_failures, opened_at, last_reason, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.scope,
      record.gate,
      record.state,
      record.consecutive_failures,
      record.opened_at ?? null,
      record.last_reason ?? null,
      record.updated_at,
    );
    if (!transition) return;
    this.q(
      `INSERT INTO gate_breaker_transitions (scope, gate, from_state, to_state, reason, consecutive_failures, goal_id, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.scope,
      transition.gate,
      transition.from,
      transition.to,
      transition.reason,
      transition.consecutive_failures,
      goalId ?? null,
      now.toISOString(),
    );
  }
}

function toBreaker(row: BreakerRow): BreakerRecord {
  return {
    scope: row.scope,
    gate: row.gate,
    state: row.state,
    consecutive_failures: row.consecutive_failures,
    ...(row.opened_at === null ? {} : { opened_at: row.opened_at }),
    ...(row.last_reason === null ? {} : { last_reason: row.last_reason }),
    updated_at: row.updated_at,
  };
}

/** Runs a synchronous call on the records (inside the store's queue or a transaction). */
export type GateRecordsRunner = <T>(fn: (records: SqliteGateRecords) => T) => Promise<T>;

/** The read half, as `store.gates`. */
export function gateStoreReader(run: GateRecordsRunner): GateStoreReader {
  return {
    getCachedRun: (key) => run((r) => r.getCachedRun(key)),
    getBreaker: (scope, gate) => run((r) => r.getBreaker(scope, gate)),
    listBreakers: (scope) => run((r) => r.listBreakers(scope)),
    listBreakerTransitions: (scope, gate) => run((r) => r.listBreakerTransitions(scope, gate)),
  };
}

/** Both halves, as `tx.gates`. */
export function gateStoreWriter(run: GateRecordsRunner, now: () => Date): GateStoreWriter {
  return {
    ...gateStoreReader(run),
    putCachedRun: (evidence) => run((r) => r.putCachedRun(evidence, now())),
    putBreaker: (record, transition, goalId) => run((r) => r.putBreaker(record, transition, goalId, now())),
  };
}
