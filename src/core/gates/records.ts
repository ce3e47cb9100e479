import type { BreakerRecord, BreakerTransition } from './breaker.js';
import type { GateEvidence } from './evidence.js';

/** The store's view of gate state (docs/gates.md): the result cache and the circuit breakers. */
export interface GateStoreReader {
  /** The evidence stored under a cache key (see cache-key.ts), if any. */
  getCachedRun(key: string): Promise<GateEvidence | undefined>;
  getBreaker(scope: string, gate: string): Promise<BreakerRecord | undefined>;
  /** Every breaker recorded for the repository, by gate name. */
  listBreakers(scope: string): Promise<BreakerRecord[]>;
  /** Breaker transitions, oldest first. */
  listBreakerTransitions(scope: string, gate?: string): Promise<BreakerTransitionRecord[]>;
}

export interface GateStoreWriter extends GateStoreReader {
  /** Stores (or replaces) the evidence under its `cache_key`. */
  putCachedRun(evidence: GateEvidence): Promise<void>;
  /** Saves the breaker; with a transition, also appends it to the transition history. */
  putBreaker(record: BreakerRecord, transition?: BreakerTransition, goalId?: string): Promise<void>;
}

export interface BreakerTransitionRecord extends BreakerTransition {
  scope: string;
  goal_id?: string;
  ts: string;
}
