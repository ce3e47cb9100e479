import { ASK_OUTCOME } from '../../core/approval/rule-ids.js';
import type { ApprovalRequest } from '../../core/approval/types.js';
import { createApprovalPolicy } from '../approval/index.js';
import { approvalSettings } from '../config/approval-config.js';
import type { AgentTurnRequest } from './engine-port.js';
import type { GoalScope } from './context.js';

/**
 * The approval callback for one agent session: planners in `plan` (read-only), executors in `auto`
 * confined to their worktree. Every decision becomes an `approval.decided` event in the goal's log;
 * if recording fails the call is denied (the policy's rule: no unrecorded allow).
 */
export function approverFor(scope: GoalScope, sessionDir: string, mode: 'plan' | 'auto', baseRef?: string): AgentTurnRequest['approve'] {
  const policy = createApprovalPolicy({
    ...approvalSettings(scope.rt.config, { sessionDir, homeDir: scope.rt.homeDir, mode, ...(baseRef ? { baseRef } : {}) }),
    session: scope.goalId,
    onDecision: (payload) => scope.rt.store.transaction((tx) => tx.appendEvent(scope.goalId, 'approval.decided', payload)).then(() => undefined),
    // Goals run unattended: `ask` answers come from the configured default, never a prompt mid-run.
    promptFn: () => Promise.resolve({ decision: 'deny', rule: ASK_OUTCOME.noTty, reason: 'the goal runs unattended, so nobody can answer the question: denied', timedOut: false }),
  });
  return async (request: ApprovalRequest, signal: AbortSignal) => {
    const result = await policy.check(request, { signal });
    return { allow: result.allow, rule: result.rule, reason: result.reason };
  };
}
