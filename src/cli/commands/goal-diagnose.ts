import { goalService } from '../../app/goal-service.js';
import { writeJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `omk goal diagnose GOAL [--json]`: why a goal is not making progress — per task, its attempts with
 * their failing gate signatures, empty diffs, repeated signatures and reverted trees; each gate's
 * history; the stuck reasons; what the loop's no-progress detector concludes with the configured
 * `[goal.no_progress]` thresholds; a diagnosis and next steps. Reads only; exit 0 whenever it reports.
 */
export async function goalDiagnoseCommand(ctx: CliContext, ref: string, opts: { json?: boolean }): Promise<number> {
  const { report, text } = await goalService(ctx).diagnose(ref);
  if (opts.json) writeJson(ctx, report);
  else ctx.stdout.write(text);
  return EXIT.ok;
}
