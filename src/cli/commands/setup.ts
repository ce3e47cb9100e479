import { setupOmk } from '../../app/setup.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `omk setup`: creates what is missing, reports what already existed. */
export async function setupCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const result = await setupOmk(ctx);
  if (opts.json) {
    writeJson(ctx, { items: result.items, repo_root: result.repoRoot ?? null, project_skipped: result.repoRoot === undefined });
    return EXIT.ok;
  }
  const width = Math.max(...result.items.map((i) => i.what.length));
  for (const item of result.items) {
    const detail = item.added && item.added.length > 0 ? ` (added ${item.added.join(', ')})` : '';
    const status = item.status === 'exists' ? 'already there' : item.status;
    writeLine(ctx, `${item.what.padEnd(width)}  ${status.padEnd(13)}  ${item.path}${detail}`);
  }
  if (result.repoRoot === undefined) {
    writeLine(ctx, `project part skipped: ${ctx.cwd} is not in a git repository`);
  }
  return EXIT.ok;
}
