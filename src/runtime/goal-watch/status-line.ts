import type { EventEnvelope } from '../../core/events/envelope.js';
import { foldGoalLog, type GoalLog } from '../../core/goal/controller/goal-log.js';
import { ageText, type WorkerView } from '../goal/worker-beacon.js';

/**
 * Statuses after which no controller is running the goal: the verdicts, `cancelled`, and `paused`
 * (its controller stopped; `omk goal resume` starts a new run, which can be watched again).
 */
export const WATCH_END_STATUSES: ReadonlySet<string> = new Set([
  'ready',
  'not_ready',
  'blocked_on_human',
  'blocked_on_external',
  'needs_more_budget',
  'failed_infra',
  'cancelled',
  'paused',
]);

/** The goal's status as its log tells it (last `goal.status_changed`), if any. */
export function watchedStatus(log: GoalLog): string | undefined {
  if (log.cancelled) return 'cancelled';
  return log.status;
}

/** One line for a terminal: phase, the running task and attempt, the last gate result, cost so far. */
export function watchStatusLine(events: readonly EventEnvelope[], workers: readonly WorkerView[] = [], now: Date = new Date()): string {
  const log = foldGoalLog(events);
  const parts = [`status ${watchedStatus(log) ?? 'created'}${log.round > 1 ? ` (round ${log.round})` : ''}`];
  // Every running agent, with what it is doing now, so a parallel run never looks idle.
  for (const t of [...log.tasks.values()].filter((x) => x.running)) {
    const w = workers.find((v) => v.task_id === t.id && v.attempt === t.running!.attempt);
    parts.push(`${t.id}#${t.running!.attempt}${w ? ` ${w.activity ?? 'starting'} (hb ${ageText(w.heartbeat_at, now)}, ${w.tokens} tok)` : ''}`);
  }
  const done = [...log.tasks.values()].filter((t) => t.result === 'done').length;
  if (log.tasks.size > 0) parts.push(`${done}/${log.tasks.size} task(s) done`);
  const gate = log.gateRuns[log.gateRuns.length - 1];
  if (gate) parts.push(`last gate ${gate.gate} ${gate.passed ? 'PASS' : 'FAIL'}`);
  parts.push(`cost $${log.cost.usd.toFixed(4)}`);
  parts.push(`${log.lastSeq} event(s)`);
  return parts.join(' · ');
}
