/** The goal controller, the pure half: ids, the event fold, the next-step decision, prompts, feedback, replay (docs/goals.md). */
export { GOAL_ID_PATTERN, newGoalId } from './goal-id.js';
export { intakeRepoFacts } from './repo-facts.js';
export { attemptsInRound, foldGoalLog, latestProof } from './goal-log.js';
export type { AttemptFacts, GateRunFacts, GoalLog, IntakeFacts, IntegrationFacts, PlanFacts, ProofFacts, ReviewFacts, TaskFacts } from './goal-log.js';
export { afterAttempt, decideNextStep, DEFAULT_MAX_ROUNDS } from './next-step.js';
export type { AttemptOutcome, ControllerOptions, NextStep } from './next-step.js';
export { EXECUTOR_MARKER, executorPrompt, extractJsonText, PLANNER_MARKER, plannerPrompt } from './prompts.js';
export type { ExecutorPromptInput, PlannerPromptInput } from './prompts.js';
export { clip, engineFeedback, gateFeedback, MAX_FEEDBACK_CHARS, noChangesFeedback, outOfScope, scopeFeedback } from './feedback.js';
export type { FailedGate } from './feedback.js';
export { renderReplay, summarizeEvent } from './replay.js';
export type { ReplayFormat, ReplayInput } from './replay.js';
