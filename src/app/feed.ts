import { existsSync } from 'node:fs';
import { OmkError } from '../core/errors.js';
import type { GoalFeed } from '../core/feed/feed.js';
import type { AppContext } from './context.js';
import { repoPaths } from './repo.js';

export type { CommittedMessage, FeedMessage, FeedSubscription, GoalFeed, LiveActivity, LiveMessage } from '../core/feed/feed.js';

/**
 * The goal feed of this repository (core/feed/feed.ts): every committed event in order, from any
 * process, resumable by seq (or feed position for all goals), plus live agent activity. Read-only.
 */
export async function openGoalFeed(ctx: AppContext): Promise<GoalFeed> {
  const paths = repoPaths(ctx);
  if (!existsSync(paths.dbFile)) throw new OmkError('not_found', 'there are no goals in this repository yet', { hint: 'start one with `omk goal run "…"`' });
  const { SqliteFeed } = await import('../runtime/feed/sqlite-feed.js');
  return SqliteFeed.open({ dbFile: paths.dbFile, goalsDir: paths.goalsDir });
}
