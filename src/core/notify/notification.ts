import type { NotifyTrigger } from '../config/types.js';
import { isVerdict } from '../goal/status.js';

/**
 * One notification, as every format renders it (docs/notify.md "Payloads"): the facts of the goal when
 * the trigger was read, already redacted (notifications.ts). `trigger` is `test` for `omk notify test`.
 */
export interface Notification {
  trigger: NotifyTrigger | 'test';
  goal_id: string;
  /** The goal's status when the trigger was read. */
  status: string;
  /** The first line of the goal's request, shortened. */
  title: string;
  /** One sentence saying what happened and what is wanted. */
  headline: string;
  /** The proof's readiness sentence, the question, the budget or the approval that waits. */
  detail: string;
  readiness: string | null;
  gaps: string[];
  question: string | null;
  budget: { dimension: string; detail: string } | null;
  approval: { tool_kind: string; summary: string; waiting_ms: number } | null;
  /** The repository's directory name (never a path). */
  repository: string | null;
  /** The command that shows the person what to do next. */
  next: string;
  /** The triggering event's seq and time (for `test`, 0 and the time of the test). */
  event_seq: number;
  event_ts: string;
}

/** The trigger a status change to `status` is, if any: the two that need a person by name, any other verdict as `verdict`. */
export function triggerForStatus(status: string): NotifyTrigger | undefined {
  if (status === 'blocked_on_human' || status === 'needs_more_budget') return status;
  return isVerdict(status) ? 'verdict' : undefined;
}

export const TITLE_LIMIT = 120;

/** The request's first non-empty line, at most TITLE_LIMIT characters. */
export function titleOf(prompt: string): string {
  const line = prompt.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > TITLE_LIMIT ? `${line.slice(0, TITLE_LIMIT - 1)}…` : line;
}

export function headlineFor(trigger: Notification['trigger'], goalId: string, status: string): string {
  switch (trigger) {
    case 'verdict':
      return `omk goal ${goalId} finished: ${status}`;
    case 'blocked_on_human':
      return `omk goal ${goalId} is blocked: it needs an answer from a person`;
    case 'needs_more_budget':
      return `omk goal ${goalId} stopped: it needs more budget`;
    case 'approval_waiting':
      return `omk goal ${goalId} is waiting for an approval`;
    case 'test':
      return 'omk test notification: this target is reachable';
  }
}

export function nextCommandFor(trigger: Notification['trigger'], goalId: string): string {
  switch (trigger) {
    case 'verdict':
      return `omk goal proof ${goalId}`;
    case 'blocked_on_human':
      return `omk goal status ${goalId}`;
    case 'needs_more_budget':
      return `omk goal budget-add ${goalId} --tokens N`;
    case 'approval_waiting':
      return `omk goal watch ${goalId}`;
    case 'test':
      return 'omk notify test';
  }
}
