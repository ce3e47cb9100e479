/** omk's approval policy, the side-effecting half: disk checks, the ask prompt, events. */
export { createApprovalPolicy } from './policy.js';
export type { ApprovalDecidedPayload, ApprovalPolicy, ApprovalPolicyOptions, ApprovalResult, CheckMeta, PromptFn } from './policy.js';
export { DEFAULT_PROMPT_TIMEOUT_MS, promptApproval } from './prompt.js';
export type { PromptApprovalOptions, PromptOutcome } from './prompt.js';
export { readCurrentBranch, resolveReal, resolveRealParent } from './real-paths.js';
