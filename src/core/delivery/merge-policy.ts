import type { MergePolicy } from '../config/types.js';
import type { VerdictStatus } from '../proof/evidence.js';
import type { ProofDocument } from '../proof/proof-schema.js';

/** A check (GitHub check run or commit status) on the PR's head, reduced to what a merge needs. */
export type CheckState = 'success' | 'failure' | 'pending';

export interface MergeDecisionInput {
  policy: MergePolicy;
  /** The proof's verdict for the commit the PR points at. */
  verdict: VerdictStatus;
  /** Whether the latest recorded human decision is an accept (see humanAcceptedIn). */
  humanAccepted: boolean;
  checks: {
    /** Names of the checks that must pass (check-run names or status contexts). */
    required: readonly string[];
    /** What GitHub reports for the head, by name; a required name missing here has not reported. */
    states: Readonly<Record<string, CheckState>>;
  };
}

export interface MergeDecision {
  merge: boolean;
  /** One sentence: why it merges, or the first thing that stops it. */
  reason: string;
}

/**
 * Whether omk may merge a goal's pull request. Pure.
 *
 * - `disabled`: never.
 * - `manual`: only after a recorded human accept, with a `ready` verdict and every required check
 *   passed — an accept is the extra condition, it never stands in for evidence.
 * - `gated`: only with a `ready` verdict and every required check passed.
 *
 * A merge is always an ordinary merge of the exact head that was judged; omk never forces anything.
 */
export function decideMerge(input: MergeDecisionInput): MergeDecision {
  const { policy, verdict, humanAccepted, checks } = input;
  if (policy === 'disabled') {
    return { merge: false, reason: 'merge policy is `disabled`: omk never merges; merge the pull request by hand' };
  }
  if (policy === 'manual' && !humanAccepted) {
    return {
      merge: false,
      reason: 'merge policy is `manual` and no human accept is recorded (run `omk goal accept GOAL --summary TEXT` first)',
    };
  }
  if (verdict !== 'ready') {
    return { merge: false, reason: `the verdict is \`${verdict}\`; omk merges only a \`ready\` goal` };
  }
  const problem = checkProblem(checks.required, checks.states);
  if (problem !== undefined) return { merge: false, reason: problem };
  const checked =
    checks.required.length === 0
      ? 'no required checks are configured'
      : `all ${checks.required.length} required checks passed`;
  return {
    merge: true,
    reason:
      policy === 'manual'
        ? `a human accepted the goal, the verdict is \`ready\` and ${checked}`
        : `the verdict is \`ready\` and ${checked}`,
  };
}

function checkProblem(required: readonly string[], states: Readonly<Record<string, CheckState>>): string | undefined {
  const sorted = [...new Set(required)].sort();
  const failed = sorted.filter((n) => states[n] === 'failure');
  if (failed.length > 0) return `required ${plural(failed, 'check')} ${names(failed)} failed`;
  const pending = sorted.filter((n) => states[n] === 'pending');
  if (pending.length > 0) return `required ${plural(pending, 'check')} ${names(pending)} ${pending.length === 1 ? 'is' : 'are'} still pending`;
  const missing = sorted.filter((n) => states[n] === undefined);
  if (missing.length > 0) return `required ${plural(missing, 'check')} ${names(missing)} ${missing.length === 1 ? 'has' : 'have'} not reported on the head commit`;
  return undefined;
}

/** Whether the latest recorded human decision in a proof is an accept. */
export function humanAcceptedIn(proof: Pick<ProofDocument, 'human'>): boolean {
  return proof.human.decisions.at(-1)?.kind === 'accept';
}

function names(list: readonly string[]): string {
  return list.map((n) => `\`${n}\``).join(', ');
}

function plural(list: readonly string[], word: string): string {
  return list.length === 1 ? word : `${word}s`;
}
