/** The usage/cost ledger: one `cost_ledger` row per agent turn (docs/cost.md). */
export { appendTurnCost, costEntryOf, recordTurnCost, UNKNOWN_MODEL } from './ledger.js';
export type { TurnCost, TurnCostInput, TurnTokens } from './ledger.js';
export { formatUsageLine, formatUsd } from './format.js';
export type { UsageLineInput } from './format.js';
