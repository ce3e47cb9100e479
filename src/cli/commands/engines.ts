import { parseDuration } from '../../core/config/duration.js';
import { OmkError } from '../../core/errors.js';
import { listEngineEntries, probeEngines, type ProbeResult } from '../../app/engines.js';
import { type CliContext, writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `omk engines list`: every preset and configured engine, whether it can start here. Exit 0. */
export async function enginesListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const listed = await listEngineEntries(ctx);
  const entries = listed.engines;
  if (opts.json) {
    writeJson(ctx, listed);
    return EXIT.ok;
  }
  const rows = entries.map((e) => [
    `${e.name}${e.default ? ' *' : ''}`,
    e.protocol,
    e.protocol === 'openai' ? (e.base_url ?? '') : [e.command ?? '', ...e.args].join(' '),
    e.model ?? '-',
    e.source === 'preset' ? 'preset' : `config: ${e.configured_in.join(', ') || 'config'}`,
    e.installed ? `yes (${e.detail})` : `no: ${e.detail}`,
  ]);
  for (const line of table([['ENGINE', 'PROTOCOL', 'COMMAND / BASE URL', 'MODEL', 'SOURCE', 'INSTALLED'], ...rows])) writeLine(ctx, line);
  writeLine(ctx, `* default engine (defaults.engine = "${listed.default}"); omk engines doctor checks that they answer`);
  return EXIT.ok;
}

/**
 * `omk engines doctor [NAME...]`: starts each engine, performs its handshake and closes it.
 * Exit 0 when every requested engine answered (none requested: when at least one did), else 1.
 */
export async function enginesDoctorCommand(
  ctx: CliContext,
  names: string[],
  opts: { json?: boolean; timeout?: string },
): Promise<number> {
  const timeoutMs = opts.timeout === undefined ? undefined : parseDuration(/^\d+$/.test(opts.timeout) ? Number(opts.timeout) : opts.timeout);
  if (opts.timeout !== undefined && (timeoutMs === undefined || timeoutMs <= 0)) {
    throw new OmkError('usage', `--timeout: expected a duration such as "10s" or "1m", found ${JSON.stringify(opts.timeout)}`);
  }
  const results = await probeEngines(ctx, names, timeoutMs !== undefined ? { timeoutMs } : {});
  const okCount = results.filter((r) => r.status === 'ok').length;
  const ok = names.length > 0 ? okCount === results.length : okCount > 0;
  if (opts.json) {
    writeJson(ctx, { ok, results });
  } else {
    for (const r of results) printResult(ctx, r);
    const count = (s: ProbeResult['status']): number => results.filter((r) => r.status === s).length;
    writeLine(ctx, `engines doctor: ${okCount} ok, ${count('missing')} missing, ${count('failed')} failed`);
  }
  if (ctx.signal.aborted) return EXIT.interrupted;
  return ok ? EXIT.ok : EXIT.failure;
}

function printResult(ctx: CliContext, r: ProbeResult): void {
  writeLine(ctx, `${r.status.padEnd(8)} ${r.engine.padEnd(12)} ${r.detail}${r.status === 'ok' ? ` [${r.durationMs} ms]` : ''}`);
  if (r.fix && r.status !== 'ok') writeLine(ctx, `${''.padEnd(8)} ${''.padEnd(12)} fix: ${r.fix}`);
  else if (r.fix) writeLine(ctx, `${''.padEnd(8)} ${''.padEnd(12)} note: ${r.fix}`);
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}
