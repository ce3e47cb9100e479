import type { TypedEnvelope } from '../../events/event-types.js';
import { usdToMicros } from '../../budget/money.js';
import type { PerTaskLimits } from '../../budget/per-task.js';
import type { BudgetLimits } from '../../budget/state.js';

/** A reservation recorded in the log (`budget.reserved`) and not yet released. */
export interface ReservationFacts {
  id: string;
  taskId: string;
  role: string;
  /** The lease-owner id of the process that holds it. */
  owner: string;
  /** What it holds now: the estimate plus any later top-ups. */
  tokens: number;
  usdMicros: number;
  /** When it was first made. */
  ts: string;
}

/** What one task has spent (its `cost.recorded` events). */
export interface TaskSpend {
  tokens: number;
  usdMicros: number;
}

/** The budget as the log tells it (docs/budgets.md): limits, usage from `cost.recorded`, reservations, running time from checkpoints. */
export interface BudgetFacts {
  /** Null until `budget.set`: the goal has no limits. */
  limits: BudgetLimits | null;
  /** Null when no per-task limit was set. */
  perTask: PerTaskLimits | null;
  tokensIn: number;
  tokensOut: number;
  /** Exact: each `cost.recorded` rounded to micro-dollars once. */
  usdMicros: number;
  /** Running time at the last checkpoint (or exhaustion). */
  timeMs: number;
  /** Each agent turn's cost, oldest first, for estimates. */
  samples: Array<{ source: string; tokens: number; usd_micros: number }>;
  /** Spend per goal task. */
  byTask: Map<string, TaskSpend>;
  /** Outstanding reservations by id, oldest first. */
  reservations: Map<string, ReservationFacts>;
  /** A refused spawn or stopped turn not yet answered by `budget.extended`; `taskId` when a task's own limit was hit. */
  exhausted: { dimension: 'time' | 'tokens' | 'usd'; detail: string; seq: number; taskId: string | undefined } | undefined;
  /** Seq of the last `budget.extended` (0 when none): proofs before it are stale. */
  extendedSeq: number;
  /** The owner of each task's latest started attempt: its reservations end with that attempt. */
  attemptOwners: Map<string, string>;
}

export function emptyBudgetFacts(): BudgetFacts {
  return {
    limits: null,
    perTask: null,
    tokensIn: 0,
    tokensOut: 0,
    usdMicros: 0,
    timeMs: 0,
    samples: [],
    byTask: new Map(),
    reservations: new Map(),
    exhausted: undefined,
    extendedSeq: 0,
    attemptOwners: new Map(),
  };
}

/** `task:<id>#<attempt>`, the executor's `cost.recorded` source, names the task in logs older than `task_id`. */
function taskOfSource(source: string): string | undefined {
  return /^task:(.+)#\d+$/.exec(source)?.[1];
}

/**
 * Folds one event into the budget facts (other types are ignored). Reservations end when their cost
 * is settled or they are released, and — so that a worker that died never blocks the budget — when
 * the attempt they paid for ends any other way: the task's lease taken back from that holder
 * (`task.lease_expired`), the attempt interrupted or finished. The planner runs only inside the
 * controller, so a controller starting (only one runs at a time) ends any planner reservation left.
 */
export function foldBudgetEvent(b: BudgetFacts, e: TypedEnvelope): void {
  switch (e.type) {
    case 'cost.recorded': {
      const p = e.payload;
      const micros = usdToMicros(p.usd);
      b.tokensIn += p.tokens_in;
      b.tokensOut += p.tokens_out;
      b.usdMicros += micros;
      b.samples.push({ source: p.source, tokens: p.tokens_in + p.tokens_out, usd_micros: micros });
      const task = p.task_id ?? taskOfSource(p.source);
      if (task !== undefined) {
        const spent = b.byTask.get(task) ?? { tokens: 0, usdMicros: 0 };
        b.byTask.set(task, { tokens: spent.tokens + p.tokens_in + p.tokens_out, usdMicros: spent.usdMicros + micros });
      }
      break;
    }
    case 'budget.set': {
      const p = e.payload;
      b.limits = { ...p.limits };
      b.perTask = p.per_task ? { ...p.per_task } : null;
      break;
    }
    case 'budget.extended': {
      const p = e.payload;
      b.limits = { ...p.limits };
      if (p.per_task) b.perTask = { ...p.per_task };
      b.exhausted = undefined;
      b.extendedSeq = e.seq;
      break;
    }
    case 'budget.checkpoint':
      b.timeMs = Math.max(b.timeMs, e.payload.time_ms);
      break;
    case 'budget.exhausted': {
      const p = e.payload;
      b.timeMs = Math.max(b.timeMs, p.time_ms);
      b.exhausted = { dimension: p.dimension, detail: p.detail, seq: e.seq, taskId: p.task_id };
      break;
    }
    case 'budget.reserved': {
      const p = e.payload;
      const held = b.reservations.get(p.reservation_id);
      if (held) b.reservations.set(p.reservation_id, { ...held, tokens: held.tokens + p.tokens, usdMicros: held.usdMicros + p.usd_micros });
      else b.reservations.set(p.reservation_id, { id: p.reservation_id, taskId: p.task_id, role: p.role, owner: p.owner, tokens: p.tokens, usdMicros: p.usd_micros, ts: e.ts });
      break;
    }
    case 'budget.released':
      b.reservations.delete(e.payload.reservation_id);
      break;
    case 'task.started': {
      const p = e.payload;
      b.attemptOwners.set(p.task_id, p.owner);
      break;
    }
    case 'task.lease_expired': {
      const p = e.payload;
      dropHeld(b, (r) => r.taskId === p.task_id && r.owner === p.owner);
      break;
    }
    case 'task.attempt_interrupted':
    case 'task.attempt_finished': {
      const task = e.payload.task_id;
      const owner = b.attemptOwners.get(task);
      if (owner !== undefined) dropHeld(b, (r) => r.taskId === task && r.owner === owner);
      break;
    }
    case 'goal.controller_started':
      dropHeld(b, (r) => r.role === 'planner');
      break;
    default:
      break;
  }
}

function dropHeld(b: BudgetFacts, match: (r: ReservationFacts) => boolean): void {
  for (const [id, r] of b.reservations) if (match(r)) b.reservations.delete(id);
}

/** What the outstanding reservations hold, summed (optionally leaving one out). */
export function heldBy(b: BudgetFacts, except?: string): TaskSpend {
  let tokens = 0;
  let usdMicros = 0;
  for (const r of b.reservations.values()) {
    if (r.id === except) continue;
    tokens += r.tokens;
    usdMicros += r.usdMicros;
  }
  return { tokens, usdMicros };
}
