import path from 'node:path';
import type { OmkConfig } from '../core/config/types.js';
import { notifySettings } from '../core/notify/settings.js';
import type { Store } from '../core/store/store.js';
import type { AppContext } from './context.js';
import { openGoalFeed } from './feed.js';
import type { RepoPaths } from './repo.js';

/** The notifier of a goal this process drives; `finish` after the verdict (and delivery) never throws. */
export interface GoalNotifier {
  finish(): Promise<void>;
}

const NONE: GoalNotifier = { finish: () => Promise.resolve() };

/**
 * Starts notifications (docs/notify.md) for a goal this process is about to drive (`goal run`,
 * `resume`, `budget-add`, a detached controller). Only triggers after the goal's current head are
 * sent. Without `[notify.targets.*]` nothing is loaded or opened.
 */
export async function startGoalNotifier(ctx: AppContext, input: { store: Store; paths: RepoPaths; config: OmkConfig; goalId: string }): Promise<GoalNotifier> {
  const settings = notifySettings(input.config.notify, ctx.env);
  if (settings.targets.length === 0) return NONE;
  const { store, goalId } = input;
  const warn = (message: string): void => ctx.log.warn(message);
  try {
    const { startNotifier } = await import('../runtime/notify/notifier.js');
    const notifyAfterSeq = (await store.eventHead(goalId)).seq;
    const feed = await openGoalFeed(ctx);
    const notifier = startNotifier({ feed, store, goalId, notifyAfterSeq, settings, repository: path.basename(input.paths.repoRoot), env: ctx.env, warn });
    return {
      async finish() {
        try {
          await notifier.finish({ untilSeq: (await store.eventHead(goalId)).seq, signal: ctx.signal });
        } catch (error) {
          warn(`notify: ${String(error)}`);
        } finally {
          await feed.close().catch(() => undefined);
        }
      },
    };
  } catch (error) {
    // Notifications never stop a goal from running.
    warn(`notify: notifications are off for goal ${goalId}: ${String(error)}`);
    return NONE;
  }
}
