import {
  addBudget,
  admit,
  budgetEvidence,
  createBudget,
  estimateCost,
  reconcile,
  usageFromTurn,
  NO_LIMITS,
  type BudgetAddition,
  type BudgetExtension,
  type BudgetLimits,
  type BudgetState,
  type CostSample,
} from '../../core/budget/index.js';
import { foldGoalLog, type GoalLog } from '../../core/goal/controller/goal-log.js';
import type { BudgetEvidence } from '../../core/proof/evidence.js';
import type { Store } from '../../core/store/store.js';
import type { GoalScope } from './context.js';
import type { AgentTurnOutcome } from './engine-port.js';
import { changeStatus } from './status.js';

/** A spawn the budget refused; the driver goes on to the proof (`needs_more_budget`). */
export class BudgetRefusedError extends Error {
  constructor(readonly dimension: 'time' | 'tokens' | 'usd', readonly detail: string) {
    super(`budget exhausted: ${detail}`);
    this.name = 'BudgetRefusedError';
  }
}

/** What `admit` handed out, to reconcile after the turn. */
export interface BudgetTicket {
  id: string;
  state: BudgetState;
}

/**
 * The goal's budget while a controller drives it (docs/budgets.md). Limits and usage are always
 * rebuilt from the goal's event log (`budget.set`, `budget.extended`, `cost.recorded`), so a resumed
 * controller and a `budget-add` from another terminal are seen at the next spawn. Running time is the
 * last stored checkpoint plus the time since this controller started: time counts only while a
 * controller runs. A goal without limits records no budget events at all.
 */
export class GoalBudget {
  private readonly startedAt: Date;
  private readonly baseTimeMs: number;
  private spawns = 0;

  private constructor(
    private readonly scope: GoalScope,
    log: GoalLog,
  ) {
    this.startedAt = scope.rt.now();
    this.baseTimeMs = log.budget.timeMs;
  }

  static async open(scope: GoalScope): Promise<GoalBudget> {
    return new GoalBudget(scope, foldGoalLog(await scope.rt.store.readEvents(scope.goalId)));
  }

  /** Running time so far: stored time plus this controller's. */
  timeMs(now: Date = this.scope.rt.now()): number {
    return this.baseTimeMs + Math.max(0, now.getTime() - this.startedAt.getTime());
  }

  /** The budget state as the log says, with this controller's clock running. */
  stateOf(log: GoalLog): BudgetState | undefined {
    const limits: BudgetLimits | null = log.budget.limits;
    if (!limits) return undefined;
    const base = createBudget(limits);
    return {
      ...base,
      used: { tokens_in: log.budget.tokensIn, tokens_out: log.budget.tokensOut, tokens_cached: 0, usd_micros: log.budget.usdMicros, time_ms: this.baseTimeMs },
      clock: { since: this.startedAt.toISOString() },
    };
  }

  private async log(): Promise<GoalLog> {
    return foldGoalLog(await this.scope.rt.store.readEvents(this.scope.goalId));
  }

  /**
   * Before an agent turn: admits an estimate (p90 of recent turns of this role, at least the module's
   * floor). A refusal is recorded (`budget.exhausted`) and thrown as BudgetRefusedError.
   * Undefined when the goal has no limits.
   */
  async admit(role: 'planner' | 'executor', taskId: string): Promise<BudgetTicket | undefined> {
    const log = await this.log();
    const state = this.stateOf(log);
    if (!state) return undefined;
    const now = this.scope.rt.now();
    const engine = this.scope.rt.engine?.name ?? '(none)';
    const samples: CostSample[] = log.budget.samples.map((s) => ({ engine, role: s.source === 'planner' ? 'planner' : 'executor', tokens: s.tokens, usd_micros: s.usd_micros }));
    const estimate = estimateCost(samples, { engine, role });
    const id = `${taskId}#${++this.spawns}`;
    const result = admit(state, { id, task_id: taskId, tokens: estimate.tokens, usd_micros: estimate.usd_micros }, now);
    if (!result.ok) {
      const dimension = result.exhausted;
      await this.scope.rt.store.transaction((tx) =>
        tx.appendEvent(this.scope.goalId, 'budget.exhausted', { dimension, detail: result.detail, role, time_ms: this.timeMs(now) }),
      );
      this.scope.rt.progress(`budget: ${role} turn refused: ${result.detail}`);
      throw new BudgetRefusedError(dimension, result.detail);
    }
    return { id, state: result.state };
  }

  /** After the turn: reconciles the reservation with the turn's usage and stores the running time. */
  async settle(ticket: BudgetTicket | undefined, outcome: AgentTurnOutcome | undefined): Promise<void> {
    if (!ticket) return;
    const now = this.scope.rt.now();
    if (outcome?.started) reconcile(ticket.state, ticket.id, usageFromTurn(outcome.usage, outcome.costUsd), now);
    await this.scope.rt.store.transaction((tx) => tx.appendEvent(this.scope.goalId, 'budget.checkpoint', { time_ms: this.timeMs(now) }));
  }

  /** The proof's budget section; undefined when the goal has no limits. A refused spawn flags its dimension. */
  async evidence(): Promise<BudgetEvidence | undefined> {
    const log = await this.log();
    const state = this.stateOf(log);
    if (!state) return undefined;
    const evidence = budgetEvidence(state, this.scope.rt.now());
    const flagged = log.budget.exhausted?.dimension;
    if (flagged) evidence.exceeded = { ...evidence.exceeded, [flagged]: true };
    return evidence;
  }

  /** The controller stops: store the running time (goals with limits only). */
  async stop(): Promise<void> {
    const log = await this.log();
    if (!log.budget.limits) return;
    await this.scope.rt.store.transaction((tx) => tx.appendEvent(this.scope.goalId, 'budget.checkpoint', { time_ms: this.timeMs() }));
  }
}

/** The goal's budget as its log says, the clock stopped at the last stored running time (for `omk goal budget`). */
export function storedBudgetState(log: GoalLog): BudgetState {
  const base = createBudget(log.budget.limits ?? NO_LIMITS);
  return {
    ...base,
    used: { tokens_in: log.budget.tokensIn, tokens_out: log.budget.tokensOut, tokens_cached: 0, usd_micros: log.budget.usdMicros, time_ms: log.budget.timeMs },
  };
}

/**
 * `omk goal budget-add`: raises the limits (`addBudget`) and records `budget.extended`; a goal that
 * stopped as needs_more_budget goes back to `running` in the same transaction, for the caller to resume.
 */
export async function extendGoalBudget(
  store: Store,
  goalId: string,
  addition: BudgetAddition,
  by: string,
  now: Date,
): Promise<{ extensions: BudgetExtension[]; limits: BudgetLimits; resume: boolean }> {
  return store.transaction(async (tx) => {
    const log = foldGoalLog(await tx.readEvents(goalId));
    const { state, extensions } = addBudget(storedBudgetState(log), addition, now);
    const goal = await tx.getGoal(goalId);
    await tx.appendEvent(goalId, 'budget.extended', {
      by,
      extensions: extensions.map((e) => ({ dimension: e.dimension, from: e.from, to: e.to, text: e.text })),
      limits: state.limits,
    });
    const resume = goal?.status === 'needs_more_budget';
    if (resume) await changeStatus(tx, goalId, 'running', `budget added by ${by}: ${extensions.map((e) => e.text).join(', ')}`);
    return { extensions, limits: state.limits, resume };
  });
}
