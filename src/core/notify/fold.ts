import type { NotifyTrigger } from '../config/types.js';
import type { EventEnvelope } from '../events/envelope.js';
import { typedEvent } from '../events/event-types.js';
import { redactDeep } from '../redact.js';
import { headlineFor, nextCommandFor, titleOf, triggerForStatus, type Notification } from './notification.js';

/**
 * What the notifier knows of one goal, folded from its committed events (pure). Every event adds
 * context (the request, the question, the budget that ran out, the proof's readiness); a status change
 * to a verdict after `notifyAfterSeq` becomes a pending trigger. Triggers are turned into notifications
 * only once the reader has caught up (`takeNotifications`), so facts committed in the same transaction
 * as the status change (the proof's readiness) are in them.
 */
export interface NotifyFoldState {
  goalId: string;
  /** Triggers at or before this seq were sent (or not) by an earlier run: never again. */
  notifyAfterSeq: number;
  lastSeq: number;
  prompt: string;
  status: string;
  question: string | null;
  budget: { dimension: string; detail: string } | null;
  readiness: string | null;
  gaps: string[];
  pending: Array<{ trigger: NotifyTrigger; seq: number; ts: string; status: string }>;
}

export function initialNotifyState(goalId: string, notifyAfterSeq: number): NotifyFoldState {
  return { goalId, notifyAfterSeq, lastSeq: 0, prompt: '', status: 'created', question: null, budget: null, readiness: null, gaps: [], pending: [] };
}

/** Folds one committed event into the state (in place; the notifier owns it). Unknown types only advance the cursor. */
export function foldNotifyEvent(state: NotifyFoldState, envelope: EventEnvelope): void {
  state.lastSeq = Math.max(state.lastSeq, envelope.seq);
  const e = typedEvent(envelope);
  if (!e) return;
  switch (e.type) {
    case 'goal.created':
      state.prompt = e.payload.prompt;
      break;
    case 'goal.question_asked':
      state.question = e.payload.question;
      break;
    case 'budget.exhausted':
      state.budget = { dimension: e.payload.dimension, detail: e.payload.detail };
      break;
    case 'proof.written':
      state.readiness = e.payload.readiness;
      state.gaps = e.payload.gaps;
      break;
    case 'goal.status_changed': {
      state.status = e.payload.to;
      // A new round of work makes the last proof's words stale.
      if (e.payload.to === 'running') {
        state.readiness = null;
        state.gaps = [];
      }
      const trigger = triggerForStatus(e.payload.to);
      if (trigger && e.seq > state.notifyAfterSeq) {
        state.readiness = e.payload.reason ?? state.readiness;
        state.pending.push({ trigger, seq: e.seq, ts: e.ts, status: e.payload.to });
      }
      break;
    }
    default:
      break;
  }
}

/** The pending triggers as notifications (redacted), emptying the queue. */
export function takeNotifications(state: NotifyFoldState, repository: string | null): Notification[] {
  const out = state.pending.map((p) => {
    const detail =
      p.trigger === 'blocked_on_human' && state.question
        ? state.question
        : p.trigger === 'needs_more_budget' && state.budget
          ? `budget exhausted (${state.budget.dimension}): ${state.budget.detail}`
          : (state.readiness ?? `the goal ended ${p.status}`);
    const n: Notification = {
      trigger: p.trigger,
      goal_id: state.goalId,
      status: p.status,
      title: titleOf(state.prompt),
      headline: headlineFor(p.trigger, state.goalId, p.status),
      detail,
      readiness: state.readiness,
      gaps: state.gaps.slice(0, GAPS_LIMIT),
      question: p.trigger === 'blocked_on_human' ? state.question : null,
      budget: p.trigger === 'needs_more_budget' ? state.budget : null,
      approval: null,
      repository,
      next: nextCommandFor(p.trigger, state.goalId),
      event_seq: p.seq,
      event_ts: p.ts,
    };
    // Events are redacted when stored; this is the second line, for whatever a format adds.
    return redactDeep(n);
  });
  state.pending = [];
  return out;
}

/** Gaps carried in a notification; the proof has them all. */
export const GAPS_LIMIT = 10;
