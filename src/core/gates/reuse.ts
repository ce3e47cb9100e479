import { isCacheable, type GateOutcome } from './evidence.js';

/** What reuse looks at in an earlier run's evidence (the runner's result.json and the goal's record). */
export interface ReuseFacts {
  outcome: GateOutcome;
  timed_out: boolean;
  canceled: boolean;
  infra_error: string | null;
}

/**
 * Whether an earlier run may stand in for a new run of the same spec on the same tree
 * (docs/gates.md "Reuse within a goal"): only a run that ended with an exit status, passed or failed,
 * says something about the tree. A timeout, a cancellation, an infrastructure error or an open
 * breaker says something about the machine at that moment, so the gate runs again.
 */
export function mayReuse(facts: ReuseFacts): boolean {
  return isCacheable(facts.outcome) && !facts.timed_out && !facts.canceled && facts.infra_error === null;
}
