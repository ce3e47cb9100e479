import path from 'node:path';
import { describeError } from '../../core/errors.js';
import type { AgentEvent, ApprovalOutcome, ApprovalRequest, ApproveFn } from '../session.js';
import { raceAbort } from '../race-abort.js';

/** The `approval_resolved` event for a decision. */
export function resolvedEvent(request: ApprovalRequest, outcome: ApprovalOutcome | 'cancelled'): AgentEvent {
  if (outcome === 'cancelled') return { type: 'approval_resolved', request, outcome: 'cancelled' };
  return {
    type: 'approval_resolved',
    request,
    outcome: outcome.allow ? 'allowed' : 'denied',
    ...(outcome.rule !== undefined ? { rule: outcome.rule } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
  };
}

/**
 * Asks the approval callback. A throw or rejection is a denial (rule `adapter:approval-error`); an
 * abort of `signal` (turn cancelled, session closed) answers `cancelled` at once, whatever the
 * callback does later.
 */
export async function askApproval(approve: ApproveFn, request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalOutcome | 'cancelled'> {
  try {
    return await raceAbort(
      Promise.resolve().then(() => approve(request, signal)),
      signal,
    );
  } catch (error) {
    return signal.aborted ? 'cancelled' : { allow: false, rule: 'adapter:approval-error', reason: describeError(error) };
  }
}

/**
 * Paths a turn's approved edit calls cover, so that the agent writing them through `fs/write_text_file`
 * right after is not asked about twice.
 */
export class ApprovedWrites {
  private readonly paths = new Set<string>();

  constructor(private readonly cwd: string) {}

  add(request: ApprovalRequest): void {
    if (request.kind !== 'edit' && request.kind !== 'delete' && request.kind !== 'move') return;
    for (const p of request.paths) this.paths.add(path.resolve(this.cwd, p));
  }

  covers(file: string): boolean {
    return this.paths.has(path.resolve(this.cwd, file));
  }
}
