import path from 'node:path';
import type { GoalEvent } from '../../core/events/envelope.js';
import type { LiveMessage } from '../../core/feed/feed.js';
import { LiveWorkers } from '../../core/feed/workers.js';
import { applyEvent, emptyGoalLog } from '../../core/goal/controller/goal-log.js';
import { endsWatch } from '../../core/goal/status.js';
import { goalView, type GoalView } from '../../core/goal/view/goal-view.js';
import type { AppContext } from '../context.js';
import { openGoalFeed } from '../feed.js';
import { withRepoStore } from '../repo.js';
import { controllerOf } from './read.js';

export interface WatchHandlers {
  /** The goal was found; following starts. */
  onStart?: (goalId: string) => void;
  /** Each committed event at or after `from`, with the goal's view just after it. */
  onEvent?: (event: GoalEvent, view: GoalView) => void;
  /** Live agent activity (streamed text, tool calls, usage), with the view's workers updated. */
  onLive?: (message: LiveMessage, view: GoalView) => void;
}

export type WatchEnd = { kind: 'ended'; status: string; view: GoalView } | { kind: 'aborted'; view: GoalView };

/**
 * Follows a goal on the feed until no controller runs it any more (a verdict, paused, cancelled:
 * core/goal/status.ts `endsWatch`) or `ctx.signal` aborts. The view is kept by the incremental
 * reducer — one event at a time, never a re-fold — and the running agents from live activity.
 */
export async function watchGoal(ctx: AppContext, ref: string, opts: { from?: number } & WatchHandlers): Promise<WatchEnd & { goal_id: string }> {
  const { goal, controller, dir } = await withRepoStore(ctx, 'read', async (store, paths) => {
    const g = await store.resolveGoal(ref);
    return { goal: g, controller: await controllerOf(store, g.id, ctx.now()), dir: path.join(paths.goalsDir, g.id) };
  });
  const feed = await openGoalFeed(ctx);
  opts.onStart?.(goal.id);
  const log = emptyGoalLog();
  const workers = new LiveWorkers();
  const view = (): GoalView => goalView(log, { goalId: goal.id, request: goal.prompt, goalDir: dir, workers: workers.list(goal.id), controller });
  try {
    for (const w of await feed.workers(goal.id)) {
      workers.apply({ kind: 'live', goal_id: goal.id, task_id: w.task_id, attempt: w.attempt, role: 'executor', owner: w.owner, ts: w.started_at, activity: { kind: 'attempt', state: 'started', engine: w.engine } });
    }
    const from = opts.from ?? 1;
    for await (const m of feed.subscribe({ goal: goal.id, afterSeq: 0, signal: ctx.signal })) {
      if (m.kind === 'event') {
        applyEvent(log, m.event);
        const v = view();
        if (m.event.seq >= from) opts.onEvent?.(m.event, v);
        // Earlier stops (a pause since resumed) are history: only the status once caught up counts,
        // and what was committed with the verdict is still shown.
        if (m.latest && endsWatch(v.status)) return { kind: 'ended', status: v.status, view: v, goal_id: goal.id };
      } else if (m.kind === 'live') {
        workers.apply(m);
        opts.onLive?.(m, view());
      }
    }
    return { kind: 'aborted', view: view(), goal_id: goal.id };
  } finally {
    await feed.close();
  }
}
