import { worstStatus, type DoctorCheck } from '../../runtime/doctor/check.js';
import { collectDoctorChecks } from '../../runtime/doctor/collect.js';
import { type CliContext, writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

const GROUP_ORDER: ReadonlyArray<DoctorCheck['group']> = ['system', 'engines', 'credentials', 'config', 'state'];

/** `omk doctor`: exit 0 when nothing failed (warnings are fine), 1 otherwise. */
export async function doctorCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const timeout = Number(ctx.env.OMK_DOCTOR_TIMEOUT_MS);
  const checks = await collectDoctorChecks({
    env: ctx.env,
    paths: ctx.paths,
    versionTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
  });
  const status = worstStatus(checks);
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status] += 1;

  if (opts.json) {
    writeJson(ctx, { ok: status !== 'fail', status, counts, checks });
  } else {
    for (const group of GROUP_ORDER) {
      const inGroup = checks.filter((c) => c.group === group);
      if (inGroup.length === 0) continue;
      writeLine(ctx, group);
      for (const c of inGroup) {
        writeLine(ctx, `  ${c.status.padEnd(4)}  ${c.id.padEnd(24)} ${c.detail}`);
        if (c.fix && c.status !== 'ok') writeLine(ctx, `  ${''.padEnd(4)}  ${''.padEnd(24)} fix: ${c.fix}`);
      }
    }
    writeLine(ctx, `doctor: ${counts.ok} ok, ${counts.warn} warn, ${counts.fail} fail`);
  }
  return status === 'fail' ? EXIT.failure : EXIT.ok;
}
