/** omk's approval policy, the pure half. The runtime half is src/runtime/approval/. */
export { decide, evaluate } from './decide.js';
export type { Evaluation } from './decide.js';
export { DEFAULT_ALLOW_COMMANDS, PLAN_READ_ONLY_COMMANDS } from './defaults.js';
export { patternProblem } from './command-pattern.js';
export { credentialKind } from './credentials.js';
export { isInside, normalizeAbsolute, resolveToolPath } from './paths.js';
export { ASK_OUTCOME, HARD_DENY, INTERNAL_RULE, MODE_RULE } from './rule-ids.js';
export { summarizeRequest } from './summary.js';
export { quoteArgv } from './raw-input.js';
export { TOOL_KINDS } from './types.js';
export type { ApprovalContext, ApprovalDecision, ApprovalMode, ApprovalRequest, Decision, Rule, RuleAction, ToolKind } from './types.js';
