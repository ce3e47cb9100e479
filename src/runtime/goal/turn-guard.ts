import { charge, checkBetweenTurns, checkTaskBetweenTurns, tokensOf, usageFromTurn, type BudgetCheck, type CostEstimate } from '../../core/budget/index.js';
import { BudgetRefusedError, type BudgetTicket, type GoalBudget, type TurnBudgetView } from './budget.js';
import type { GoalScope } from './context.js';
import type { AgentTurnOutcome, AgentTurnRequest, TurnUsageSoFar } from './engine-port.js';
import { recordTurnCost } from './turn-cost.js';

/** A budgeted turn's result: `stop` is set when the budget stopped the turn between its model calls. */
export interface BudgetedTurnResult {
  outcome: AgentTurnOutcome;
  stop?: BudgetRefusedError;
}

/**
 * Runs one agent turn under its budget ticket (docs/budgets.md "Between turns"): every usage report of
 * the turn is checked against the goal's room (what is not used and not reserved by other workers, its
 * own reservation included), the running time, and the task's own limit. When the turn outgrows its
 * reservation it claims more room (`budget.reserved`, checked like a spawn); when no room is left it is
 * aborted before its next model call. Afterwards the turn's cost is recorded, which releases the
 * reservation, and a stop is recorded as `budget.exhausted` — only when it really cut the turn short
 * (an agent that reports usage only at the end, like ACP agents, has finished by then: its work stands,
 * and the next spawn is refused instead).
 */
export async function runBudgetedTurn(scope: GoalScope, ticket: BudgetTicket | undefined, cost: { source: string; taskId?: string }, request: AgentTurnRequest): Promise<BudgetedTurnResult> {
  const engine = scope.rt.engine!;
  const budget = scope.budget;
  const view = ticket && budget ? await budget.turnView(ticket) : undefined;
  const guard = ticket && budget && view ? new TurnGuard(budget, ticket, view, request.signal, scope.rt.now) : undefined;
  let outcome: AgentTurnOutcome;
  try {
    outcome = await engine.runTurn(
      guard
        ? {
            ...request,
            signal: guard.signal,
            onUsage: (u) => {
              guard.onUsage(u);
              request.onUsage?.(u);
            },
          }
        : request,
    );
  } catch (error) {
    // No cost to record: give the reservation back so it holds no room for the rest of this run.
    await guard?.close();
    await budget?.settle(ticket, undefined).catch(() => undefined);
    throw error;
  }
  // No reservation top-up may land after the reservation is released below.
  await guard?.close();
  await recordTurnCost(scope, cost.source, outcome, cost.taskId, ticket);
  await budget?.settle(ticket, outcome);
  const stop = guard?.stopped;
  if (!stop || !outcome.started || outcome.stopReason !== 'cancelled' || request.signal.aborted) return { outcome };
  await budget!.exhausted(ticket!.role, stop);
  return { outcome, stop };
}

/**
 * The between-turn check of one running turn. The decision on each usage report is synchronous (against
 * the view of the budget taken at the start, refreshed by each top-up), so the abort lands before the
 * agent's next model call; claiming more room is a store transaction, serialized behind the previous one.
 */
class TurnGuard {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal;
  stopped: BudgetRefusedError | undefined;
  private pending: Promise<void> = Promise.resolve();
  private closed = false;
  private latest: CostEstimate = { tokens: 0, usd_micros: 0 };

  constructor(
    private readonly budget: GoalBudget,
    private readonly ticket: BudgetTicket,
    private view: TurnBudgetView,
    parent: AbortSignal,
    private readonly now: () => Date,
  ) {
    this.signal = AbortSignal.any([parent, this.controller.signal]);
  }

  onUsage(u: TurnUsageSoFar): void {
    if (this.stopped || this.closed) return;
    const usage = usageFromTurn(u, u.costUsd ?? 0);
    this.latest = { tokens: tokensOf(usage), usd_micros: usage.usd_micros };
    const { check, taskId } = this.check(this.latest);
    if (!check.ok) return this.stop(new BudgetRefusedError(check.exhausted, `stopped mid-turn: ${check.detail}`, taskId));
    if (this.latest.tokens > this.view.held.tokens || this.latest.usd_micros > this.view.held.usd_micros) this.enqueue(() => this.claimMore());
  }

  /** The turn so far against the goal (its own reservation charged with it) and the task's own limits. */
  private check(turn: CostEstimate): { check: BudgetCheck; taskId?: string } {
    const { state, perTask, taskSpent } = this.view;
    if (perTask) {
      const own = checkTaskBetweenTurns(perTask, this.ticket.taskId, taskSpent, turn);
      if (!own.ok) return { check: own, taskId: this.ticket.taskId };
    }
    const now = this.now();
    const charged = charge(state, this.ticket.id, { tokens_in: turn.tokens, tokens_out: 0, usd_micros: turn.usd_micros }, now);
    return { check: checkBetweenTurns(charged, now, { reservationId: this.ticket.id }) };
  }

  private async claimMore(): Promise<void> {
    if (this.stopped) return;
    const { held } = this.view;
    const extra = { tokens: Math.max(0, this.latest.tokens - held.tokens), usd_micros: Math.max(0, this.latest.usd_micros - held.usd_micros) };
    if (extra.tokens === 0 && extra.usd_micros === 0) return;
    const claimed = await this.budget.topUp(this.ticket, extra);
    if (!claimed.ok) return this.stop(new BudgetRefusedError(claimed.error.dimension, `stopped mid-turn: ${claimed.error.detail}`));
    this.view = claimed.view;
  }

  private enqueue(work: () => Promise<void>): void {
    this.pending = this.pending.then(work).catch((error: unknown) => {
      // The store failing here must not leave the turn running unchecked.
      this.stop(new BudgetRefusedError('tokens', `stopped mid-turn: the budget could not be checked (${String(error)})`));
    });
  }

  private stop(error: BudgetRefusedError): void {
    if (this.stopped) return;
    this.stopped = error;
    this.controller.abort(error);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pending;
  }
}
