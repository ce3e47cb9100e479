/** The goal driver: intake, planning, execution, integration, review and proof around the pure controller (docs/goals.md). */
export { runGoal } from './driver.js';
export type { GoalRunResult, RunGoalRequest } from './driver.js';
export type { GoalRuntime } from './context.js';
export type { AgentRole, AgentTurnOutcome, AgentTurnRequest, EnginePort } from './engine-port.js';
export { goalDir } from './goal-dir.js';
export type { GoalDir } from './goal-dir.js';
export { recordedOptions, resumeGoal } from './resume.js';
export type { RecordedOptions } from './resume.js';
export type { ControlContext } from './driver.js';
export { CONTROL_POLL_MS, CONTROLLER_HEARTBEAT_MS, CONTROLLER_STALE_MS, controllerAlive, describeController, recordCancel, recordPause } from './control.js';
export type { ControllerHost } from './control.js';
export { extendGoalBudget, perTaskEvidence, storedBudgetState, type GoalBudgetAddition } from './budget.js';
