import { runDoctor, type DoctorCheck } from '../../app/doctor.js';
import { type CliContext, writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

const GROUP_ORDER: ReadonlyArray<DoctorCheck['group']> = ['system', 'engines', 'credentials', 'config', 'state'];

/** `omk doctor`: exit 0 when nothing failed (warnings are fine), 1 otherwise. */
export async function doctorCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const report = await runDoctor(ctx);
  const { status, counts, checks } = report;
  if (opts.json) {
    writeJson(ctx, report);
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
