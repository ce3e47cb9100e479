import type { GoalLog } from './goal-log.js';

/**
 * A goal's folded log as text, so the store can keep a snapshot and readers fold only the events
 * after it (docs/goal-view.md "Snapshots"). A snapshot is a cache, never evidence: it is rebuilt
 * from the events whenever its version is not this one, and `proof --verify` never reads it.
 *
 * Bump FOLD_VERSION whenever `applyEvent` (goal-log.ts, budget-facts.ts) changes what it computes:
 * snapshots of the old fold are then ignored. The compatibility test over test/fixtures/compat
 * fails when the fold of a recorded log changes, as a reminder.
 */
export const FOLD_VERSION = 1;

interface Encoded {
  v: number;
  log: unknown;
}

/** Maps become `{ "$map": [[key, value], …] }`; everything else in a GoalLog is plain JSON. */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? { $map: [...value.entries()] } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$map' in value && Array.isArray(value.$map)) {
    return new Map(value.$map as Array<[unknown, unknown]>);
  }
  return value;
}

export function encodeLogSnapshot(log: GoalLog): string {
  const doc: Encoded = { v: FOLD_VERSION, log };
  return JSON.stringify(doc, replacer);
}

/** The log a snapshot holds, or undefined when it is of another fold version or not a snapshot at all. */
export function decodeLogSnapshot(text: string): GoalLog | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text, reviver);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || (doc as Encoded).v !== FOLD_VERSION) return undefined;
  const log = (doc as Encoded).log;
  if (log === null || typeof log !== 'object' || !((log as GoalLog).tasks instanceof Map)) return undefined;
  // Written by encodeLogSnapshot from a GoalLog of this very fold version.
  return log as GoalLog;
}

/** A copy the caller may fold more events into without changing `log` (Maps and nested records included). */
export function copyLog(log: GoalLog): GoalLog {
  return structuredClone(log);
}
