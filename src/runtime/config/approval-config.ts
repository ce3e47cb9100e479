import { parseDuration } from '../../core/config/duration.js';
import type { ApprovalMode, OmkConfig } from '../../core/config/types.js';
import type { ApprovalContext, Rule } from '../../core/approval/types.js';
import type { ApprovalPolicyOptions } from '../approval/index.js';

export interface ApprovalSettingsInputs {
  /** The worktree or session root, absolute. */
  sessionDir: string;
  /** The user's home, absolute. */
  homeDir: string;
  /** Overrides `defaults.approval` (e.g. `plan` for `omk ask`, planners and reviewers). */
  mode?: ApprovalMode;
  baseRef?: string;
}

/**
 * `[approval]` and `defaults.approval` from config as the approval policy's `context` and `prompt`
 * options (docs/config.md, docs/approval-policy.md). Pass the result to `createApprovalPolicy`
 * together with `session` and `onDecision`.
 */
export function approvalSettings(
  config: Pick<OmkConfig, 'approval' | 'defaults'>,
  inputs: ApprovalSettingsInputs,
): Pick<ApprovalPolicyOptions, 'context' | 'prompt'> {
  const a = config.approval;
  const context: ApprovalContext = {
    sessionDir: inputs.sessionDir,
    homeDir: inputs.homeDir,
    mode: inputs.mode ?? config.defaults.approval,
    allowCommands: [...(a.allow_commands ?? [])],
    denyCommands: [...(a.deny_commands ?? [])],
    rules: (a.rules ?? []).map(toRule),
  };
  if (a.replace_default_allow !== undefined) context.replaceDefaultAllow = a.replace_default_allow;
  if (inputs.baseRef !== undefined) context.baseRef = inputs.baseRef;
  const prompt: NonNullable<ApprovalPolicyOptions['prompt']> = {};
  const timeoutMs = a.prompt_timeout === undefined ? undefined : parseDuration(a.prompt_timeout);
  if (timeoutMs !== undefined) prompt.timeoutMs = timeoutMs;
  if (a.prompt_default !== undefined) prompt.defaultDecision = a.prompt_default;
  return { context, prompt };
}

function toRule(rule: NonNullable<OmkConfig['approval']['rules']>[number]): Rule {
  const out: Rule = { action: rule.action };
  if (rule.id !== undefined) out.id = rule.id;
  if (rule.kind !== undefined) out.kind = Array.isArray(rule.kind) ? [...rule.kind] : rule.kind;
  if (rule.command !== undefined) out.command = rule.command;
  if (rule.path !== undefined) out.path = rule.path;
  return out;
}
