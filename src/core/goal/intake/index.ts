/** Goal intake, the pure half: normalise, classify, testability, oracle (docs/intake.md). */
export { assessIntake } from './intake.js';
export { classifyGoal, DEFAULT_GOAL_TYPE, heuristicClassifier } from './classify.js';
export { gateKind, gatesByKind } from './gate-kinds.js';
export { normalizeRequest } from './normalize.js';
export { ORACLE_RULES, pickOracle } from './oracle.js';
export { CLASSIFICATION_RULES, TIE_ORDER } from './rules.js';
export { assessWording, EMPTY_QUESTION, VAGUE_PHRASES, VAGUE_QUESTION } from './testability.js';
export { GATE_KINDS, GOAL_TYPES } from './types.js';
export type {
  Classification,
  ClassificationSignal,
  GateKind,
  GoalClassifier,
  GoalType,
  IntakeInput,
  IntakeResult,
  Oracle,
  RepoFacts,
  RepoGate,
} from './types.js';
