import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { GoalFeed } from '../app/feed.js';
import { summarizeEvent } from '../core/goal/controller/replay.js';

/** A comment line this often keeps proxies and the browser from dropping an idle stream. */
const KEEPALIVE_MS = 15_000;

/** What the page gets for one committed event (the full payload stays in the log; the summary is the replay's line). */
export interface TimelineEntry {
  seq: number;
  ts: string;
  type: string;
  summary: string;
  task_id: string | null;
  /** Nothing later was committed when this was read: the page has caught up. */
  latest: boolean;
}

/**
 * `GET /api/goals/:id/stream`: the goal's feed as server-sent events. Each committed event is an
 * `event` message whose `id:` is its seq, so a browser reconnecting sends `Last-Event-ID` and gets
 * exactly the events after it (the feed is gap- and duplicate-free from any seq); `?after=SEQ` does the
 * same for a client that opens a new stream. Live agent activity goes as `live` messages without an
 * id (ephemeral: a reconnect does not replay it), lost live messages as `lagged`.
 */
export function goalStream(c: Context, feed: GoalFeed, goalId: string, opened: Set<AbortController>): Response {
  const after = resumeFrom(c.req.header('last-event-id') ?? c.req.query('after'));
  const abort = new AbortController();
  opened.add(abort);
  c.header('cache-control', 'no-store');
  c.header('x-accel-buffering', 'no');
  return streamSSE(c, async (sse) => {
    sse.onAbort(() => abort.abort());
    const keepalive = setInterval(() => void sse.write(': keepalive\n\n').catch(() => abort.abort()), KEEPALIVE_MS);
    try {
      await sse.writeSSE({ event: 'hello', data: JSON.stringify({ goal_id: goalId, after }) });
      for await (const m of feed.subscribe({ goal: goalId, afterSeq: after, signal: abort.signal })) {
        if (m.kind === 'event') {
          const e = m.event;
          const payload = e.payload as { task_id?: unknown };
          const entry: TimelineEntry = { seq: e.seq, ts: e.ts, type: e.type, summary: summarizeEvent(e.type, e.payload), task_id: typeof payload.task_id === 'string' ? payload.task_id : null, latest: m.latest };
          await sse.writeSSE({ id: String(e.seq), event: 'event', data: JSON.stringify(entry) });
        } else if (m.kind === 'live') {
          await sse.writeSSE({ event: 'live', data: JSON.stringify(m) });
        } else {
          await sse.writeSSE({ event: 'lagged', data: JSON.stringify({ missed: m.missed }) });
        }
      }
    } finally {
      clearInterval(keepalive);
      opened.delete(abort);
    }
  });
}

/** A `Last-Event-ID` / `?after=` value as a seq; anything else starts from the beginning. */
function resumeFrom(value: string | undefined): number {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return 0;
  return Number(value.trim());
}
