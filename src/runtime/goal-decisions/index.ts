/** `omk goal accept|reject`: human decisions recorded as evidence, and the proof re-derived (docs/goals.md). */
export { humanDecisionsFromLog } from './decisions-from-log.js';
export { recordHumanDecision } from './record-decision.js';
export type { HumanDecisionResult, RecordHumanDecisionInput } from './record-decision.js';
export { decisionAuthor } from './who.js';
