/** Goals, the pure planning core: intake, task graph, proposals, fallback plan (docs/intake.md, docs/task-graph.md). */
export * from './intake/index.js';
export * from './task-graph/index.js';
export * from './proposals/index.js';
export { fallbackPlan } from './fallback-plan.js';
export type { FallbackPlan, FallbackPlanInput } from './fallback-plan.js';
