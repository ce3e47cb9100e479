import type { Store, StoreTx } from '../../core/store/store.js';
import type { CostAccuracy, CostEntry, NewCostEntry } from '../../core/store/types.js';

/**
 * Token counts of one turn, shaped like the engines' `TokenUsage` (runtime does not import
 * engines; an `AgentTurn`'s `TurnResult` fits `TurnCost` as it is).
 */
export interface TurnTokens {
  /** Input not served from cache. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  exact: boolean;
}

/** What a turn cost: a `TurnResult` satisfies this. */
export interface TurnCost {
  usage: TurnTokens;
  costUsd: number;
}

export interface TurnCostInput {
  goalId: string;
  taskId?: string;
  engine: string;
  /** The model the engine ran; `unknown` is recorded when the engine did not say. */
  model: string | undefined;
  turn: TurnCost;
  /** Overrides `turn.usage.exact` (e.g. when the price itself is an estimate). @default turn.usage.exact */
  exact?: boolean;
}

/** Recorded as the model when the engine's model is not known (ACP agents choose their own). */
export const UNKNOWN_MODEL = 'unknown';

/**
 * The ledger row for one turn. `tokensIn` counts every input token (uncached + cache reads + cache
 * writes) and `tokensCached` the cache reads among them, so `tokensIn - tokensCached` is what was
 * billed at the full input price.
 */
export function costEntryOf(input: TurnCostInput): NewCostEntry {
  const u = input.turn.usage;
  const accuracy: CostAccuracy = (input.exact ?? u.exact) ? 'exact' : 'estimated';
  const entry: NewCostEntry = {
    goalId: input.goalId,
    engine: input.engine,
    model: input.model ?? UNKNOWN_MODEL,
    tokensIn: whole(u.input) + whole(u.cacheRead) + whole(u.cacheWrite),
    tokensOut: whole(u.output),
    tokensCached: whole(u.cacheRead),
    usd: Number.isFinite(input.turn.costUsd) && input.turn.costUsd > 0 ? input.turn.costUsd : 0,
    accuracy,
  };
  if (input.taskId !== undefined) entry.taskId = input.taskId;
  return entry;
}

/** Appends the turn's row inside a transaction the caller already holds (with its events). */
export function appendTurnCost(tx: Pick<StoreTx, 'appendCost'>, input: TurnCostInput): Promise<CostEntry> {
  return tx.appendCost(costEntryOf(input));
}

/** Appends the turn's row in its own store transaction. */
export function recordTurnCost(store: Pick<Store, 'transaction'>, input: TurnCostInput): Promise<CostEntry> {
  return store.transaction((tx) => appendTurnCost(tx, input));
}

function whole(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}
