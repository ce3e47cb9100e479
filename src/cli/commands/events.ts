import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { exitStatusFor, EXIT } from '../exit-codes.js';
import { verifyGoalEvents, type ChainProblemKind, type EventLogReport } from '../../app/events.js';

const HINTS: Record<ChainProblemKind, string> = {
  unparsable: 'the line was damaged or hand-edited; the store holds the original (compare with `--json`)',
  torn_tail: 'an interrupted write; any omk command on this goal heals it from the store',
  edited: 'the line was changed after it was written; restore it from a backup or the store',
  broken_link: 'an event before this line was replaced (its hash was recomputed); the log was tampered with',
  gap: 'lines were deleted from the log; restore them from a backup or the store',
  out_of_order: 'lines were moved or mixed from another log',
  duplicate: 'a line was written twice; remove the repeated line',
  invalid_payload: 'the payload does not match its event schema; the writer or an edit is at fault',
  store_mismatch: 'the log and the database disagree; one of them was changed',
  not_in_store: 'the log holds events the database does not (a restored or replaced database?)',
  missing_tail: 'the log lags the database; any omk command on this goal heals it',
  store_chain: 'the database\'s own events were changed',
};

/** `omk events verify GOAL [--json]`: exit 0 when the chain is intact, 1 (chain_broken) when not. */
export async function eventsVerifyCommand(ctx: CliContext, goal: string, opts: { json?: boolean }): Promise<number> {
  const { file, ...report } = await verifyGoalEvents(ctx, goal);
  if (opts.json) writeJson(ctx, report);
  else printReport(ctx, report, file);
  return report.ok ? EXIT.ok : exitStatusFor('chain_broken');
}

function printReport(ctx: CliContext, report: EventLogReport, file: string): void {
  if (report.healed) {
    const torn = report.healed.torn_saved_to ? `; an interrupted last line was saved to ${report.healed.torn_saved_to}` : '';
    writeLine(ctx, `healed: ${report.healed.appended} event(s) re-appended from the store${torn}`);
  }
  const unknown = Object.entries(report.stats.unknown_types);
  if (unknown.length > 0) {
    writeLine(ctx, `note: event types unknown to this omk (kept): ${unknown.map(([t, n]) => `${t} ×${n}`).join(', ')}`);
  }
  if (report.ok) {
    writeLine(ctx, `OK  goal ${report.goal_id}: ${report.events} events, chain intact`);
    writeLine(ctx, `    head ${report.head ?? '(empty log)'}`);
    return;
  }
  const first = report.problems[0]!;
  const where = [first.line === undefined ? '' : `line ${first.line}`, first.seq === undefined ? '' : `seq ${first.seq}`]
    .filter(Boolean)
    .join(', ');
  writeLine(ctx, `BROKEN  goal ${report.goal_id}: ${report.problems.length} problem(s) in ${file}`);
  writeLine(ctx, `  first: ${first.kind}${where ? ` at ${where}` : ''}: ${first.message}`);
  writeLine(ctx, `  hint: ${HINTS[first.kind]}`);
  const { parse_failures, duplicates, torn_tail } = report.stats;
  writeLine(ctx, `  stats: ${report.events} events, ${parse_failures} unparsable, ${duplicates} duplicate(s)${torn_tail ? ', torn tail' : ''}`);
}
