import type { NotifyTrigger } from '../config/types.js';
import type { EventEnvelope } from '../events/envelope.js';
import { typedEvent } from '../events/event-types.js';
import { isVerdict } from '../goal/status.js';
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
  /** Approvals waiting for a person, by approvalKey; `notified` once approval_waiting went out for it. */
  approvals: Map<string, WaitingApproval>;
}

export interface WaitingApproval {
  seq: number;
  /** When it started waiting, in ms since the epoch (the event's ts). */
  since: number;
  tool_kind: string;
  summary: string;
  notified: boolean;
}

/** What pairs a request with its decision: the session and the tool call, or the summary when the agent gave no call id. */
function approvalKey(p: { session?: string | undefined; tool_call_id?: string | undefined; summary: string }): string {
  return `${p.session ?? ''}\u0000${p.tool_call_id ?? `summary:${p.summary}`}`;
}

export function initialNotifyState(goalId: string, notifyAfterSeq: number): NotifyFoldState {
  return { goalId, notifyAfterSeq, lastSeq: 0, prompt: '', status: 'created', question: null, budget: null, readiness: null, gaps: [], pending: [], approvals: new Map() };
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
    case 'approval.requested': {
      const since = Date.parse(e.ts);
      state.approvals.set(approvalKey(e.payload), { seq: e.seq, since: Number.isFinite(since) ? since : 0, tool_kind: e.payload.tool_kind, summary: e.payload.summary, notified: false });
      break;
    }
    case 'approval.decided':
      state.approvals.delete(approvalKey(e.payload));
      break;
    // An earlier process already told someone about this wait.
    case 'notify.delivered':
    case 'notify.failed':
      if (e.payload.trigger === 'approval_waiting') for (const a of state.approvals.values()) if (a.seq === e.payload.trigger_seq) a.notified = true;
      break;
    case 'goal.status_changed': {
      state.status = e.payload.to;
      // A new round of work makes the last proof's words stale.
      if (e.payload.to === 'running') {
        state.readiness = null;
        state.gaps = [];
      }
      // A goal that reached a verdict asks nothing any more.
      if (isVerdict(e.payload.to)) state.approvals.clear();
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

/** When the next waiting approval reaches `waitMs` (ms since the epoch), or null when none waits un-notified. */
export function nextApprovalDue(state: NotifyFoldState, waitMs: number): number | null {
  let next: number | null = null;
  for (const a of state.approvals.values()) if (!a.notified && (next === null || a.since + waitMs < next)) next = a.since + waitMs;
  return next;
}

/** approval_waiting notifications for every approval that has waited `waitMs` by `nowMs`, each once (redacted). */
export function takeDueApprovals(state: NotifyFoldState, nowMs: number, waitMs: number, repository: string | null): Notification[] {
  const out: Notification[] = [];
  for (const a of [...state.approvals.values()].sort((x, y) => x.seq - y.seq)) {
    if (a.notified || a.since + waitMs > nowMs) continue;
    a.notified = true;
    const waiting = Math.max(0, nowMs - a.since);
    out.push(
      redactDeep({
        trigger: 'approval_waiting',
        goal_id: state.goalId,
        status: state.status,
        title: titleOf(state.prompt),
        headline: headlineFor('approval_waiting', state.goalId, state.status),
        detail: `an agent asks to ${a.tool_kind}: ${a.summary} (waiting ${Math.round(waiting / 1000)} s)`,
        readiness: null,
        gaps: [],
        question: null,
        budget: null,
        approval: { tool_kind: a.tool_kind, summary: a.summary, waiting_ms: waiting },
        repository,
        next: nextCommandFor('approval_waiting', state.goalId),
        event_seq: a.seq,
        event_ts: new Date(a.since).toISOString(),
      } satisfies Notification),
    );
  }
  return out;
}

/** Gaps carried in a notification; the proof has them all. */
export const GAPS_LIMIT = 10;
