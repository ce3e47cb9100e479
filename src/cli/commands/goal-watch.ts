import { goalService } from '../../app/goal-service.js';
import type { GoalView } from '../../app/goals/read.js';
import { OmkError } from '../../core/errors.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { fitStatusLine } from '../../core/format/fit-line.js';
import { renderReplay, summarizeEvent } from '../../core/goal/controller/replay.js';
import { viewStatusLine } from '../../core/goal/view/status-line.js';
import type { CliContext } from '../context.js';
import { EXIT, exitForStatus } from '../exit-codes.js';

/**
 * `omk goal watch GOAL [--from SEQ] [--json] [--interval MS]`: follows the goal on the goal feed and
 * prints each committed event as a replay line (`--json`: one JSON object per line, the replay's event
 * shape). On a terminal, a status line (status, each running agent's current tool call, tasks done, last
 * gate, cost) is kept under the events and redrawn every `--interval` ms (default 1000) — agents may work
 * for minutes without an event. Returns when no controller runs the goal any more (the exit status `goal
 * run` would give), or 130 on Ctrl-C. Read-only.
 */
export async function goalWatchCommand(ctx: CliContext, ref: string, opts: { from?: string; json?: boolean; interval?: string }): Promise<number> {
  const from = opts.from === undefined ? 1 : Number(opts.from);
  if (!Number.isInteger(from) || from < 1) throw new OmkError('usage', `--from must be a positive integer, got ${String(opts.from)}`);
  const intervalMs = opts.interval === undefined ? 1000 : Number(opts.interval);
  if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 60_000) throw new OmkError('usage', `--interval must be milliseconds between 10 and 60000, got ${String(opts.interval)}`);

  const live = ctx.isTTY && opts.json !== true;
  let shown = false;
  let latest: GoalView | undefined;
  const clear = (): void => {
    if (shown) ctx.stdout.write('\r\x1b[2K');
    shown = false;
  };
  const draw = (): void => {
    if (!live || !latest) return;
    clear();
    // Read each time: the terminal may have been resized since the last draw.
    const columns = (ctx.stdout as { columns?: unknown }).columns;
    ctx.stdout.write(fitStatusLine(viewStatusLine(latest, ctx.now()), typeof columns === 'number' ? columns : undefined));
    shown = true;
  };
  const redraw = live ? setInterval(draw, intervalMs) : undefined;
  redraw?.unref();
  try {
    const end = await goalService(ctx).watch(ref, {
      from,
      onStart: (goalId) => {
        if (!opts.json) ctx.stdout.write(`watching goal ${goalId} (Ctrl-C to stop)\n`);
      },
      onEvent: (e, view) => {
        latest = view;
        clear();
        ctx.stdout.write(`${opts.json ? jsonLine(e) : textLine(e)}\n`);
        draw();
      },
      onLive: (_m, view) => {
        latest = view;
      },
    });
    clear();
    if (end.kind === 'aborted') {
      if (!opts.json) ctx.stdout.write('stopped watching (the goal goes on)\n');
      return EXIT.interrupted;
    }
    if (!opts.json) ctx.stdout.write(`goal ${end.goal_id}: ${end.status}\n`);
    return exitForStatus(end.status);
  } finally {
    clearInterval(redraw);
  }
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
