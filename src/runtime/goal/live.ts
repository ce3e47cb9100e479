import type { LiveActivity, LiveMessage } from '../../core/feed/feed.js';
import type { AgentRole } from './engine-port.js';
import type { GoalRuntime } from './context.js';

/** Reports one agent turn's live activity (docs/goal-view.md "Live activity"); a no-op without a publisher. */
export interface LiveReporter {
  report(activity: LiveActivity): void;
}

/**
 * The reporter for one goal and one agent (a task attempt, or a planner/reviewer turn). Publishing
 * never throws into the caller: visibility must never fail an attempt.
 */
export function liveReporter(rt: GoalRuntime, goalId: string, who: { role: AgentRole; taskId?: string; attempt?: number }): LiveReporter {
  const live = rt.live;
  if (!live) return { report: () => undefined };
  return {
    report(activity) {
      const message: LiveMessage = {
        kind: 'live',
        goal_id: goalId,
        task_id: who.taskId ?? null,
        attempt: who.attempt ?? null,
        role: who.role,
        owner: rt.owner,
        ts: rt.now().toISOString(),
        activity,
      };
      try {
        live.publish(message);
      } catch {
        // A failing subscriber connection is the hub's business, never the attempt's.
      }
    },
  };
}
