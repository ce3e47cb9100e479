import { testNotifications } from '../../app/notify.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `omk notify test [TARGET...] [--json]`: one test notification per target; exit 0 when every one arrived, 1 otherwise. */
export async function notifyTestCommand(ctx: CliContext, targets: string[], opts: { json?: boolean }): Promise<number> {
  const results = await testNotifications(ctx, targets);
  const ok = results.every((r) => r.ok);
  if (opts.json) {
    writeJson(ctx, { ok, results });
  } else {
    for (const r of results) {
      const retry = !r.ok && r.retryable ? ' (a real notification would retry this)' : '';
      writeLine(ctx, `${r.ok ? 'ok  ' : 'FAIL'} ${r.target} (${r.kind}, ${r.where}): ${r.detail}${retry}`);
    }
  }
  return ok ? EXIT.ok : EXIT.failure;
}
