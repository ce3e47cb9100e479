import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

/**
 * One line of a goal's event log, as stored in the database and mirrored to
 * `events.jsonl`. `hash` covers every other field (via canonical JSON), and `prev`
 * is the previous event's hash, so any edit, deletion or reordering breaks the chain.
 */
export interface EventEnvelope {
  /** 1, 2, 3, … per goal, without gaps. */
  seq: number;
  /** ISO-8601 UTC, from the injected clock. */
  ts: string;
  type: string;
  payload: unknown;
  /** The previous event's `hash`; for seq 1, `genesisHash(goalId)`. */
  prev: string;
  /** sha256 hex of `canonicalJson({ seq, ts, type, payload, prev })`. */
  hash: string;
}

/** An envelope together with the goal whose chain it belongs to (what subscribers receive). */
export interface GoalEvent extends EventEnvelope {
  goal_id: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The `prev` of seq 1. Derived from the goal id so that a chain copied under
 * another goal does not verify there.
 */
export function genesisHash(goalId: string): string {
  return sha256Hex(`omk:genesis:${goalId}`);
}

export function hashEnvelope(fields: Omit<EventEnvelope, 'hash'>): string {
  const { seq, ts, type, payload, prev } = fields;
  return sha256Hex(canonicalJson({ seq, ts, type, payload, prev }));
}

export function buildEnvelope(fields: Omit<EventEnvelope, 'hash'>): EventEnvelope {
  return { ...fields, hash: hashEnvelope(fields) };
}

/**
 * The exact bytes of one JSONL line, newline included. Fields in a fixed, readable order
 * (seq first) and the payload in canonical form, so the same event always gives the same line.
 */
export function envelopeLine(envelope: EventEnvelope): string {
  const { seq, ts, type, payload, prev, hash } = envelope;
  const s = JSON.stringify;
  return `{"seq":${s(seq)},"ts":${s(ts)},"type":${s(type)},"payload":${canonicalJson(payload)},"prev":${s(prev)},"hash":${s(hash)}}\n`;
}

/** Narrows a parsed JSON value to an envelope's shape (not its hash: see chain.ts). */
export function asEnvelope(value: unknown): EventEnvelope | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 1) return 'seq is not a positive integer';
  if (typeof v.ts !== 'string') return 'ts is not a string';
  if (typeof v.type !== 'string' || v.type === '') return 'type is not a non-empty string';
  if (!('payload' in v)) return 'payload is missing';
  if (typeof v.prev !== 'string') return 'prev is not a string';
  if (typeof v.hash !== 'string') return 'hash is not a string';
  return { seq: v.seq, ts: v.ts, type: v.type, payload: v.payload, prev: v.prev, hash: v.hash };
}
