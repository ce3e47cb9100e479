import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { OmkError } from '../../core/errors.js';
import { foldGoalLog } from '../../core/goal/controller/goal-log.js';
import { renderReplay, summarizeEvent } from '../../core/goal/controller/replay.js';
import { readWorkerViews } from '../../runtime/goal/worker-beacon.js';
import { fitStatusLine, WATCH_END_STATUSES, watchedStatus, watchGoalEvents, watchStatusLine } from '../../runtime/goal-watch/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { exitForStatus } from './goal/open-store.js';

/**
 * `omk goal watch GOAL [--from SEQ] [--json] [--interval MS]`: follows the goal's events.jsonl and prints
 * each new event as a replay line (`--json`: one JSON object per line, the replay's event shape). On a
 * terminal, a status line (phase, running task and attempt, last gate, cost) is kept under the events.
 * Returns when the goal reaches a status no controller continues from (the exit status `goal run`
 * would give for it), or 130 on Ctrl-C. Like replay, it never opens the store for writing and never
 * heals the file it follows.
 */
export async function goalWatchCommand(ctx: CliContext, ref: string, opts: { from?: string; json?: boolean; interval?: string }): Promise<number> {
  const from = opts.from === undefined ? 1 : Number(opts.from);
  if (!Number.isInteger(from) || from < 1) throw new OmkError('usage', `--from must be a positive integer, got ${String(opts.from)}`);
  const intervalMs = opts.interval === undefined ? 250 : Number(opts.interval);
  if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 60_000) throw new OmkError('usage', `--interval must be milliseconds between 10 and 60000, got ${String(opts.interval)}`);
  const { goalsDir, dbFile } = ctx.paths;
  if (goalsDir === undefined || dbFile === undefined) throw new OmkError('not_a_repo', `${ctx.cwd} is not inside a git repository`, { hint: 'run omk from inside the repository (or pass -C <dir>)' });
  const goalId = await resolveGoalId(ctx, ref, dbFile, goalsDir);
  const file = path.join(goalsDir, goalId, 'events.jsonl');

  const live = ctx.isTTY && opts.json !== true;
  let statusShown = false;
  const clearStatus = (): void => {
    if (statusShown) ctx.stdout.write('\r\x1b[2K');
    statusShown = false;
  };
  let seen: readonly EventEnvelope[] = [];
  const drawStatus = (): void => {
    clearStatus();
    // Read each time: the terminal may have been resized since the last draw.
    const columns = (ctx.stdout as { columns?: unknown }).columns;
    const line = watchStatusLine(seen, readWorkerViews(path.dirname(file)), ctx.now());
    ctx.stdout.write(fitStatusLine(line, typeof columns === 'number' ? columns : undefined));
    statusShown = true;
  };
  const print = (batch: readonly EventEnvelope[], all: readonly EventEnvelope[]): void => {
    seen = all;
    clearStatus();
    for (const e of batch) ctx.stdout.write(`${opts.json ? jsonLine(e) : textLine(e)}\n`);
    if (live) drawStatus();
  };
  // Agents may work for minutes without an event: the status line (tool call, heartbeat, tokens) is redrawn anyway.
  const redraw = live ? setInterval(() => seen.length > 0 && drawStatus(), 1000) : undefined;
  redraw?.unref();
  if (!opts.json) ctx.stdout.write(`watching goal ${goalId} (Ctrl-C to stop)\n`);
  let finalStatus: string | undefined;
  const end = await watchGoalEvents({
    file,
    from,
    intervalMs,
    signal: ctx.signal,
    keepProcessAlive: true,
    onEvents: print,
    isDone: (all) => {
      const status = watchedStatus(foldGoalLog(all));
      if (status === undefined || !WATCH_END_STATUSES.has(status)) return false;
      finalStatus = status;
      return true;
    },
  });
  clearInterval(redraw);
  clearStatus();
  if (end === 'aborted') {
    if (!opts.json) ctx.stdout.write('stopped watching (the goal goes on)\n');
    return EXIT.interrupted;
  }
  if (!opts.json) ctx.stdout.write(`goal ${goalId}: ${finalStatus ?? '?'}\n`);
  return exitForStatus(finalStatus ?? '');
}

const NO_STATS = { lines: 1, parse_failures: 0, duplicates: 0, torn_tail: false };

/** The replay's text line for one event (the renderer's second line: after the header, before the footer). */
function textLine(e: EventEnvelope): string {
  return renderReplay({ goalId: '', events: [e], stats: NO_STATS }, 'text').split('\n')[1] ?? '';
}

/** The replay's JSON event shape, one line. */
function jsonLine(e: EventEnvelope): string {
  return JSON.stringify({ seq: e.seq, ts: e.ts, type: e.type, summary: summarizeEvent(e.type, e.payload), payload: e.payload, hash: e.hash });
}

/** Resolves the goal without healing its events.jsonl (the file being followed may be mid-write). */
async function resolveGoalId(ctx: CliContext, ref: string, dbFile: string, goalsDir: string): Promise<string> {
  if (!existsSync(dbFile)) throw new OmkError('not_found', 'there are no goals in this repository yet', { hint: 'start one with `omk goal run "…"`' });
  const { openStore } = await import('../../runtime/store/sqlite-store.js');
  const store = await openStore({ dbFile, goalsDir, now: ctx.now, log: ctx.log, healOnOpen: false });
  try {
    return (await store.resolveGoal(ref)).id;
  } finally {
    await store.close();
  }
}
