/**
 * Delivery of a goal from the CLI (`omk goal open-pr`, `omk goal merge`): the goal's verified proof,
 * prompt and cost, the `[delivery]` settings, and the `delivery.*` events recorded in its chain.
 * The pushing, PR and merge mechanics are `runtime/delivery` (docs/delivery.md).
 */
export { loadDeliverableGoal } from './load-goal.js';
export type { DeliverableGoal } from './load-goal.js';
export { mergeGoal } from './merge-goal.js';
export type { MergeGoalInput, MergeGoalResult } from './merge-goal.js';
export { openGoalPr } from './open-pr.js';
export type { OpenGoalPrInput, OpenGoalPrResult } from './open-pr.js';
export { recordDelivery } from './record.js';
export { deliverySettings } from './settings.js';
export type { DeliveryFlags, DeliverySettings } from './settings.js';
