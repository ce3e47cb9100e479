/**
 * Delivery of a goal from the CLI (`omk goal open-pr`, `omk goal merge`, and `omk goal run --policy`
 * when the run reaches its verdict): the goal's verified proof,
 * prompt and cost, the `[delivery]` settings, and the `delivery.*` events recorded in its chain.
 * The pushing, PR and merge mechanics are `runtime/delivery` (docs/delivery.md).
 */
export { deliverAfterRun } from './after-run.js';
export type { AfterRunDelivery, DeliverAfterRunInput } from './after-run.js';
export { loadDeliverableGoal } from './load-goal.js';
export type { DeliverableGoal } from './load-goal.js';
export { mergeGoal } from './merge-goal.js';
export type { MergeGoalInput, MergeGoalResult } from './merge-goal.js';
export { openGoalPr } from './open-pr.js';
export type { OpenGoalPrInput, OpenGoalPrResult } from './open-pr.js';
export { checkDeliveryFlags, deliveryPolicies, recordedPolicies } from './policies.js';
export type { DeliveryPolicies } from './policies.js';
export { recordDelivery } from './record.js';
export { deliverySettings } from './settings.js';
export type { DeliveryFlags, DeliverySettings } from './settings.js';
