import path from 'node:path';
import type { OmkConfig } from '../core/config/types.js';
import { OmkError } from '../core/errors.js';
import type { Notification } from '../core/notify/notification.js';
import { notifySettings, urlOrigin } from '../core/notify/settings.js';
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

/** One target's answer to `omk notify test` (docs/notify.md "omk notify test"). */
export interface NotifyTestResult {
  target: string;
  kind: string;
  /** The webhook's origin (never its path), or `desktop`. */
  where: string;
  ok: boolean;
  /** `HTTP 200 from …`, the desktop command; or why it failed. */
  detail: string;
  /** Whether a real notification would retry this failure. */
  retryable: boolean;
}

/**
 * `omk notify test [TARGET...]`: sends one test notification to each configured target (or the named
 * ones), once, without retries, and reports each outcome. Records nothing: no goal is involved.
 */
export async function testNotifications(ctx: AppContext, names: readonly string[] = []): Promise<NotifyTestResult[]> {
  const { loadConfig } = await import('../runtime/config/load-config.js');
  const { config } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const settings = notifySettings(config.notify, ctx.env);
  if (settings.targets.length === 0) {
    throw new OmkError('usage', 'no notification targets are configured', {
      hint: 'add one, e.g. [notify.targets.team] kind = "slack" url_env = "SLACK_WEBHOOK_URL" in .omk/config.toml (docs/notify.md)',
    });
  }
  const unknown = names.filter((n) => !settings.targets.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new OmkError('usage', `no notification target named ${unknown.join(', ')}`, { hint: `configured: ${settings.targets.map((t) => t.name).join(', ')}` });
  }
  const { deliverWithRetries } = await import('../runtime/notify/deliver.js');
  const repository = repositoryName(ctx);
  const now = ctx.now().toISOString();
  const chosen = settings.targets.filter((t) => names.length === 0 || names.includes(t.name));
  return Promise.all(
    chosen.map(async (target): Promise<NotifyTestResult> => {
      const n = testNotification(repository, now, [...target.on]);
      const fact = await deliverWithRetries(target, n, { timeoutMs: settings.timeoutMs, env: ctx.env, signal: ctx.signal, settings: { retries: 0, retryBackoffMs: 0 } });
      const where = target.kind === 'desktop' ? 'desktop' : target.url ? urlOrigin(target.url) : '(no URL)';
      return fact.type === 'notify.delivered'
        ? { target: target.name, kind: target.kind, where, ok: true, detail: fact.detail, retryable: false }
        : { target: target.name, kind: target.kind, where, ok: false, detail: fact.error, retryable: fact.type === 'notify.failed' ? fact.retryable : true };
    }),
  );
}

function repositoryName(ctx: AppContext): string | null {
  return ctx.paths.repoRoot ? path.basename(ctx.paths.repoRoot) : null;
}

function testNotification(repository: string | null, now: string, on: string[]): Notification {
  return {
    trigger: 'test',
    goal_id: 'none',
    status: 'test',
    title: 'omk notify test',
    headline: 'omk test notification: this target is reachable',
    detail: `This target receives: ${on.join(', ')}${repository ? ` (goals in ${repository})` : ''}.`,
    readiness: null,
    gaps: [],
    question: null,
    budget: null,
    approval: null,
    repository,
    next: 'omk notify test',
    event_seq: 0,
    event_ts: now,
  };
}
