import {
  admit,
  closedBreaker,
  DEFAULT_BREAKER_POLICY,
  recordOutcome,
  resetBreaker,
  type Admission,
  type BreakerPolicy,
  type BreakerRecord,
  type BreakerTransition,
} from '../../core/gates/breaker.js';
import type { GateOutcome } from '../../core/gates/evidence.js';
import type { Store, StoreTx } from '../../core/store/store.js';

export interface BreakerContext {
  store: Store;
  /** The repository the breaker belongs to (its main root, also for runs in worktrees). */
  scope: string;
  gate: string;
  now: () => Date;
  policy?: Partial<BreakerPolicy>;
  /** When set, transitions are also `gate.breaker_transitioned` events of this goal. */
  goalId?: string;
}

function policyOf(ctx: BreakerContext): BreakerPolicy {
  return { ...DEFAULT_BREAKER_POLICY, ...ctx.policy };
}

async function current(tx: StoreTx, ctx: BreakerContext): Promise<BreakerRecord> {
  return (await tx.gates.getBreaker(ctx.scope, ctx.gate)) ?? closedBreaker(ctx.scope, ctx.gate, ctx.now());
}

/** Saves the record; a transition goes to the history table and, with a goal, to its event log. */
async function save(tx: StoreTx, ctx: BreakerContext, record: BreakerRecord, transition?: BreakerTransition): Promise<void> {
  await tx.gates.putBreaker(record, transition, ctx.goalId);
  if (transition && ctx.goalId !== undefined) {
    await tx.appendEvent(ctx.goalId, 'gate.breaker_transitioned', { ...transition });
  }
}

/** May the gate run now? Persists an open → half_open move (the probe). */
export function admitGate(ctx: BreakerContext): Promise<Admission> {
  return ctx.store.transaction(async (tx) => {
    const decision = admit(await current(tx, ctx), ctx.now(), policyOf(ctx));
    if (decision.allowed && decision.transition) await save(tx, ctx, decision.record, decision.transition);
    return decision;
  });
}

/** Feeds a run's outcome to the breaker inside `tx` (the same transaction that records the run). */
export async function recordGateOutcome(
  tx: StoreTx,
  ctx: BreakerContext,
  outcome: GateOutcome,
  reason: string,
): Promise<BreakerTransition | undefined> {
  const before = await current(tx, ctx);
  const { record, transition } = recordOutcome(before, outcome, reason, ctx.now(), policyOf(ctx));
  if (record !== before) await save(tx, ctx, record, transition);
  return transition;
}

/** `omk gates reset NAME`: closes the breaker. Returns the state before and after. */
export function resetGateBreaker(ctx: BreakerContext): Promise<{ before: BreakerRecord; after: BreakerRecord }> {
  return ctx.store.transaction(async (tx) => {
    const before = await current(tx, ctx);
    const { record, transition } = resetBreaker(before, ctx.now());
    await save(tx, ctx, record, transition);
    return { before, after: record };
  });
}
