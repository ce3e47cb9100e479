import { setTimeout as sleep } from 'node:timers/promises';
import {
  addBudget,
  addPerTaskBudget,
  admit,
  budgetEvidence,
  checkBeforeSpawn,
  checkTaskBeforeSpawn,
  createBudget,
  estimateCost,
  hasPerTaskLimits,
  microsToUsd,
  NO_LIMITS,
  type BudgetAddition,
  type BudgetDimension,
  type BudgetExtension,
  type BudgetLimits,
  type BudgetState,
  type CostEstimate,
  type CostSample,
  type PerTaskLimits,
  type Reservation,
} from '../../core/budget/index.js';
import type { BudgetFacts } from '../../core/goal/controller/budget-facts.js';
import { type GoalLog } from '../../core/goal/controller/goal-log.js';
import { OmkError } from '../../core/errors.js';
import type { BudgetEvidence, TaskBudgetEvidence } from '../../core/proof/evidence.js';
import type { Store, StoreTx } from '../../core/store/store.js';
import type { GoalScope } from './context.js';
import type { AgentTurnOutcome } from './engine-port.js';
import { ownerIsGone } from './owner.js';
import { changeStatus } from './status.js';

/** A spawn the budget refused, or a turn it stopped; the driver goes on to the proof (`needs_more_budget`). */
export class BudgetRefusedError extends Error {
  constructor(
    readonly dimension: BudgetDimension,
    readonly detail: string,
    /** Set when the task's own limit was the one hit. */
    readonly taskId?: string,
  ) {
    super(`budget exhausted: ${detail}`);
    this.name = 'BudgetRefusedError';
  }
}

/** What `admit` handed out: a reservation recorded in the log (`budget.reserved`), to settle after the turn. */
export interface BudgetTicket {
  id: string;
  taskId: string;
  role: 'planner' | 'executor';
  /** What was reserved when admitted. */
  estimate: CostEstimate;
}

/** What a running turn is checked against between its model calls (see turn-guard.ts). */
export interface TurnBudgetView {
  /** The goal's budget as the log said when the view was taken: the turn's own reservation included. */
  state: BudgetState;
  perTask: PerTaskLimits | null;
  /** What the ticket's task had spent before this turn. */
  taskSpent: CostEstimate;
  /** What the ticket's reservation holds (its estimate plus top-ups). */
  held: CostEstimate;
}

export interface GoalBudgetOptions {
  /** How often a spawn that waits for running workers' reservations looks again. @default 250 ms */
  waitPollMs?: number;
  /** An executor's reservation this old whose holder holds no lease on its task is abandoned (a crash before the lease). @default 60 s */
  abandonAfterMs?: number;
  /** Whether a reservation's holder provably died. @default ownerIsGone (same host, pid gone) */
  isGone?: (owner: string) => boolean;
  /**
   * Whether this process's running time counts (and is checkpointed). Only the controller's does: an
   * `omk worker` runs beside it, and writing its own clock would overwrite the controller's. @default true
   */
  countsTime?: boolean;
}

type AdmitStep =
  | { kind: 'unlimited' }
  | { kind: 'admitted'; ticket: BudgetTicket }
  | { kind: 'wait'; detail: string }
  | { kind: 'refused'; error: BudgetRefusedError };

/**
 * The goal's budget while a controller (or an `omk worker`) drives it (docs/budgets.md). Limits, usage
 * and reservations are always rebuilt from the goal's event log inside the store's write transaction, so
 * every process admitting a turn serializes on it: the check `used + every outstanding reservation +
 * estimate ≤ limit` and the `budget.reserved` recording it happen together, and two workers can never be
 * admitted against the same room. Running time is the last stored checkpoint plus the time since this
 * process started: time counts only while a controller runs. A goal without limits records no budget events.
 */
export class GoalBudget {
  private readonly startedAt: Date;
  private readonly baseTimeMs: number;
  private readonly waitPollMs: number;
  private readonly abandonAfterMs: number;
  private readonly isGone: (owner: string) => boolean;
  private readonly countsTime: boolean;

  private constructor(
    private readonly scope: GoalScope,
    log: GoalLog,
    options: GoalBudgetOptions,
  ) {
    this.startedAt = scope.rt.now();
    this.baseTimeMs = log.budget.timeMs;
    this.waitPollMs = options.waitPollMs ?? 250;
    this.abandonAfterMs = options.abandonAfterMs ?? 60_000;
    this.isGone = options.isGone ?? ((owner) => ownerIsGone(owner));
    this.countsTime = options.countsTime ?? true;
  }

  static async open(scope: GoalScope, options: GoalBudgetOptions = {}): Promise<GoalBudget> {
    return new GoalBudget(scope, await scope.rt.store.goalLog(scope.goalId), options);
  }

  /** Running time so far: stored time plus this controller's. */
  timeMs(now: Date = this.scope.rt.now()): number {
    if (!this.countsTime) return this.baseTimeMs;
    return this.baseTimeMs + Math.max(0, now.getTime() - this.startedAt.getTime());
  }

  /** The budget state as the log says (reservations included), with this process's clock running. */
  stateOf(log: GoalLog): BudgetState | undefined {
    if (!log.budget.limits) return undefined;
    return {
      ...storedBudgetState(log),
      used: { ...usedOf(log.budget), time_ms: this.countsTime ? this.baseTimeMs : log.budget.timeMs },
      clock: { since: this.countsTime ? this.startedAt.toISOString() : null },
    };
  }

  private async log(): Promise<GoalLog> {
    return await this.scope.rt.store.goalLog(this.scope.goalId);
  }

  /**
   * Before an agent turn: admits an estimate (p90 of recent turns of this role, at least the module's
   * floor) and records the reservation, in one write transaction. An executor's task must also fit its
   * own per-task limit. A refusal is recorded (`budget.exhausted`) and thrown as BudgetRefusedError —
   * except when the estimate would fit but for other running workers' reservations: then it waits for
   * them to settle (they may cost less than they reserved) and asks again. Undefined when the goal has no limits.
   */
  async admit(role: 'planner' | 'executor', taskId: string): Promise<BudgetTicket | undefined> {
    const { rt } = this.scope;
    let waiting = false;
    for (;;) {
      const step = await rt.store.transaction((tx) => this.admitOnce(tx, role, taskId));
      if (step.kind === 'unlimited') return undefined;
      if (step.kind === 'admitted') return step.ticket;
      if (step.kind === 'refused') {
        rt.progress(`budget: ${role} turn refused: ${step.error.detail}`);
        throw step.error;
      }
      if (!waiting) rt.progress(`budget: ${role} turn for ${taskId} waits for running workers: ${step.detail}`);
      waiting = true;
      await sleep(this.waitPollMs, undefined, { signal: rt.signal });
    }
  }

  private async admitOnce(tx: StoreTx, role: 'planner' | 'executor', taskId: string): Promise<AdmitStep> {
    const { rt, goalId } = this.scope;
    const log = await tx.goalLog(goalId);
    if (!log.budget.limits) return { kind: 'unlimited' };
    const now = rt.now();
    // The goal already stopped for budget (another worker was refused or stopped): nothing starts until budget-add.
    const stopped = log.budget.exhausted;
    if (stopped) return { kind: 'refused', error: new BudgetRefusedError(stopped.dimension, stopped.detail, stopped.taskId) };
    await this.releaseAbandoned(tx, log.budget, now);
    const live = this.stateOf(log)!;
    const estimate = this.estimate(log, role);
    const refuse = async (dimension: BudgetDimension, detail: string, task?: string): Promise<AdmitStep> => {
      await tx.appendEvent(goalId, 'budget.exhausted', { dimension, detail, role, time_ms: this.timeMs(now), ...(task ? { task_id: task } : {}) });
      return { kind: 'refused', error: new BudgetRefusedError(dimension, detail, task) };
    };
    if (role === 'executor' && hasPerTaskLimits(log.budget.perTask)) {
      const own = checkTaskBeforeSpawn(log.budget.perTask, taskId, spentBy(log.budget, taskId), estimate);
      if (!own.ok) return refuse(own.exhausted, own.detail, taskId);
    }
    const id = `${taskId}@${(await tx.eventHead(goalId)).seq + 1}`;
    const result = admit(live, { id, task_id: taskId, ...estimate }, now);
    if (result.ok) {
      await tx.appendEvent(goalId, 'budget.reserved', { reservation_id: id, task_id: taskId, role, tokens: estimate.tokens, usd_micros: estimate.usd_micros, owner: rt.owner });
      return { kind: 'admitted', ticket: { id, taskId, role, estimate } };
    }
    // Room that running workers hold may come back when they settle: wait rather than stop the goal.
    if (live.reservations.length > 0 && checkBeforeSpawn({ ...live, reservations: [] }, estimate, now).ok) return { kind: 'wait', detail: result.detail };
    return refuse(result.exhausted, result.detail);
  }

  /** Reservations whose holder died without a lease event to end them (same host: pid gone; else no lease after a while). */
  private async releaseAbandoned(tx: StoreTx, b: BudgetFacts, now: Date): Promise<void> {
    for (const r of [...b.reservations.values()]) {
      let reason: string | undefined;
      if (this.isGone(r.owner)) reason = `its holder ${r.owner} is gone`;
      else if (r.role === 'executor' && now.getTime() - Date.parse(r.ts) > this.abandonAfterMs) {
        const lease = await tx.getLease({ goalId: this.scope.goalId, taskId: r.taskId });
        if (!lease || lease.owner !== r.owner) reason = `its holder ${r.owner} holds no lease on ${r.taskId}`;
      }
      if (reason === undefined) continue;
      await tx.appendEvent(this.scope.goalId, 'budget.released', { reservation_id: r.id, task_id: r.taskId, reason });
      b.reservations.delete(r.id);
    }
  }

  private estimate(log: GoalLog, role: 'planner' | 'executor'): CostEstimate {
    const engine = this.scope.rt.engine?.name ?? '(none)';
    // Reviewer turns are admitted as the planner's (read-only turns in the controller); executors' sources are `task:…`.
    const readOnly = new Set(['planner', 'reviewer']);
    const samples: CostSample[] = log.budget.samples.map((s) => ({ engine, role: readOnly.has(s.source) ? 'planner' : 'executor', tokens: s.tokens, usd_micros: s.usd_micros }));
    const e = estimateCost(samples, { engine, role });
    return { tokens: e.tokens, usd_micros: e.usd_micros };
  }

  /** What a turn holding `ticket` is checked against between its model calls. Undefined once the reservation is gone. */
  async turnView(ticket: BudgetTicket, log?: GoalLog): Promise<TurnBudgetView | undefined> {
    const l = log ?? (await this.log());
    const state = this.stateOf(l);
    const own = l.budget.reservations.get(ticket.id);
    if (!state || !own) return undefined;
    return {
      state,
      perTask: ticket.role === 'executor' && hasPerTaskLimits(l.budget.perTask) ? l.budget.perTask : null,
      taskSpent: spentBy(l.budget, ticket.taskId),
      held: { tokens: own.tokens, usd_micros: own.usdMicros },
    };
  }

  /**
   * A running turn outgrew its reservation: hold `extra` more, if the goal has that much room beyond what
   * is used and every reservation holds (the same check as a spawn, so parallel workers' overruns cannot
   * add up past the limit). Recorded as another `budget.reserved` for the same reservation.
   */
  async topUp(ticket: BudgetTicket, extra: CostEstimate): Promise<{ ok: true; view: TurnBudgetView } | { ok: false; error: BudgetRefusedError }> {
    const { rt, goalId } = this.scope;
    return rt.store.transaction(async (tx) => {
      const log = await tx.goalLog(goalId);
      const state = this.stateOf(log);
      if (!state || !log.budget.reservations.has(ticket.id)) {
        return { ok: false as const, error: new BudgetRefusedError('tokens', `the reservation ${ticket.id} was released (its lease was taken back)`) };
      }
      const check = checkBeforeSpawn(state, extra, rt.now());
      if (!check.ok) return { ok: false as const, error: new BudgetRefusedError(check.exhausted, check.detail) };
      await tx.appendEvent(goalId, 'budget.reserved', { reservation_id: ticket.id, task_id: ticket.taskId, role: ticket.role, tokens: extra.tokens, usd_micros: extra.usd_micros, owner: rt.owner });
      const after = await tx.goalLog(goalId);
      return { ok: true as const, view: (await this.turnView(ticket, after))! };
    });
  }

  /** A turn was stopped between model calls: recorded as `budget.exhausted`, so the goal stops as needs_more_budget. */
  async exhausted(role: 'planner' | 'executor', error: BudgetRefusedError): Promise<void> {
    const now = this.scope.rt.now();
    await this.scope.rt.store.transaction((tx) =>
      tx.appendEvent(this.scope.goalId, 'budget.exhausted', {
        dimension: error.dimension,
        detail: error.detail,
        role,
        time_ms: this.timeMs(now),
        ...(error.taskId ? { task_id: error.taskId } : {}),
      }),
    );
    this.scope.rt.progress(`budget: ${role} turn stopped: ${error.detail}`);
  }

  /**
   * After the turn: its cost is already recorded (`cost.recorded`, which also released the reservation
   * when the turn ran); a reservation still held — the turn never started — is released. Then the running
   * time is stored.
   */
  async settle(ticket: BudgetTicket | undefined, outcome: AgentTurnOutcome | undefined): Promise<void> {
    if (!ticket) return;
    const { goalId } = this.scope;
    const now = this.scope.rt.now();
    await this.scope.rt.store.transaction(async (tx) => {
      const log = await tx.goalLog(goalId);
      if (log.budget.reservations.has(ticket.id)) {
        await tx.appendEvent(goalId, 'budget.released', { reservation_id: ticket.id, task_id: ticket.taskId, reason: outcome?.started ? 'settled' : 'the turn did not start' });
      }
      if (this.countsTime) await tx.appendEvent(goalId, 'budget.checkpoint', { time_ms: this.timeMs(now) });
    });
  }

  /** The proof's budget section; undefined when the goal has no limits. A refused spawn or stopped turn flags its dimension. */
  async evidence(): Promise<BudgetEvidence | undefined> {
    const log = await this.log();
    const state = this.stateOf(log);
    if (!state) return undefined;
    const evidence = budgetEvidence(state, this.scope.rt.now());
    const flagged = log.budget.exhausted;
    if (flagged && flagged.taskId === undefined) evidence.exceeded = { ...evidence.exceeded, [flagged.dimension]: true };
    const perTask = perTaskEvidence(log.budget);
    return perTask ? { ...evidence, per_task: perTask } : evidence;
  }

  /** The controller stops: store the running time (goals with limits only). */
  async stop(): Promise<void> {
    const log = await this.log();
    if (!log.budget.limits || !this.countsTime) return;
    await this.scope.rt.store.transaction((tx) => tx.appendEvent(this.scope.goalId, 'budget.checkpoint', { time_ms: this.timeMs() }));
  }
}

function usedOf(b: BudgetFacts): BudgetState['used'] {
  return { tokens_in: b.tokensIn, tokens_out: b.tokensOut, tokens_cached: 0, usd_micros: b.usdMicros, time_ms: b.timeMs };
}

function spentBy(b: BudgetFacts, taskId: string): CostEstimate {
  const s = b.byTask.get(taskId);
  return { tokens: s?.tokens ?? 0, usd_micros: s?.usdMicros ?? 0 };
}

/** Each task that spent (or was stopped by its own limit), against the per-task limits; undefined without them. */
export function perTaskEvidence(b: BudgetFacts): TaskBudgetEvidence[] | undefined {
  if (!hasPerTaskLimits(b.perTask)) return undefined;
  const limits = b.perTask;
  const ids = new Set(b.byTask.keys());
  const flagged = b.exhausted?.taskId;
  if (flagged !== undefined) ids.add(flagged);
  return [...ids].sort().map((id) => {
    const spent = spentBy(b, id);
    const flag = (d: 'tokens' | 'usd'): boolean => flagged === id && b.exhausted?.dimension === d;
    return {
      task_id: id,
      limits: { tokens: limits.tokens, usd: limits.usd_micros === null ? null : microsToUsd(limits.usd_micros) },
      used: { tokens: spent.tokens, usd: microsToUsd(spent.usd_micros) },
      exceeded: {
        tokens: flag('tokens') || (limits.tokens !== null && spent.tokens > limits.tokens),
        usd: flag('usd') || (limits.usd_micros !== null && spent.usd_micros > limits.usd_micros),
      },
    };
  });
}

/** The goal's budget as its log says — outstanding reservations included — the clock stopped at the last stored running time (for `omk goal budget`). */
export function storedBudgetState(log: GoalLog): BudgetState {
  const base = createBudget(log.budget.limits ?? NO_LIMITS);
  const reservations: Reservation[] = [...log.budget.reservations.values()].map((r) => ({
    id: r.id,
    task_id: r.taskId,
    tokens: r.tokens,
    usd_micros: r.usdMicros,
    estimate: { tokens: r.tokens, usd_micros: r.usdMicros },
    charged: { tokens: 0, usd_micros: 0 },
    created_at: r.ts,
  }));
  return { ...base, used: usedOf(log.budget), reservations };
}

/** `budget-add` amounts: the goal's (`BudgetAddition`) and the per-task limits'. */
export interface GoalBudgetAddition extends BudgetAddition {
  task_tokens?: number;
  task_usd_micros?: number;
}

/**
 * `omk goal budget-add`: raises the limits (`addBudget`, `addPerTaskBudget`) and records `budget.extended`;
 * a goal that stopped as needs_more_budget goes back to `running` in the same transaction, for the caller to resume.
 */
export async function extendGoalBudget(
  store: Store,
  goalId: string,
  addition: GoalBudgetAddition,
  by: string,
  now: Date,
): Promise<{ extensions: BudgetExtension[]; limits: BudgetLimits; perTask: PerTaskLimits | null; resume: boolean }> {
  const forGoal = addition.time_ms !== undefined || addition.tokens !== undefined || addition.usd_micros !== undefined;
  const forTasks = addition.task_tokens !== undefined || addition.task_usd_micros !== undefined;
  if (!forGoal && !forTasks) throw new OmkError('usage', 'budget-add: nothing to add; give --time, --tokens, --usd, --task-tokens or --task-usd');
  return store.transaction(async (tx) => {
    const log = await tx.goalLog(goalId);
    const stored = storedBudgetState(log);
    const goalPart = forGoal ? addBudget(stored, addition, now) : { state: stored, extensions: [] };
    const taskPart = forTasks
      ? addPerTaskBudget(log.budget.perTask, mostSpent(log.budget), {
          ...(addition.task_tokens !== undefined ? { tokens: addition.task_tokens } : {}),
          ...(addition.task_usd_micros !== undefined ? { usd_micros: addition.task_usd_micros } : {}),
        })
      : undefined;
    const extensions = [...goalPart.extensions, ...(taskPart?.extensions ?? [])];
    const perTask = taskPart?.limits ?? log.budget.perTask;
    const goal = await tx.getGoal(goalId);
    await tx.appendEvent(goalId, 'budget.extended', {
      by,
      extensions: extensions.map((e) => ({ dimension: e.dimension, from: e.from, to: e.to, text: e.text })),
      limits: goalPart.state.limits,
      ...(perTask ? { per_task: perTask } : {}),
    });
    const resume = goal?.status === 'needs_more_budget';
    if (resume) await changeStatus(tx, goalId, 'running', `budget added by ${by}: ${extensions.map((e) => e.text).join(', ')}`);
    return { extensions, limits: goalPart.state.limits, perTask, resume };
  });
}

/** The most any one task has spent, per dimension (the per-task base for `budget-add`). */
function mostSpent(b: BudgetFacts): CostEstimate {
  let tokens = 0;
  let usd = 0;
  for (const s of b.byTask.values()) {
    tokens = Math.max(tokens, s.tokens);
    usd = Math.max(usd, s.usdMicros);
  }
  return { tokens, usd_micros: usd };
}
