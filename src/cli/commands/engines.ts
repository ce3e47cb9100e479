import { parseDuration } from '../../core/config/duration.js';
import { OmkError } from '../../core/errors.js';
import { engineAvailability, listEngines, probeEngine, resolveEngine } from '../../engines/registry/index.js';
import type { EngineSpec, ProbeResult } from '../../engines/registry/index.js';
import { loadConfig } from '../../runtime/config/load-config.js';
import { type CliContext, writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** One row of `omk engines list --json` (docs/engines.md "Engine registry"). */
export interface EngineListEntry {
  name: string;
  default: boolean;
  protocol: EngineSpec['protocol'];
  command: string | null;
  args: string[];
  base_url: string | null;
  model: string | null;
  source: EngineSpec['source'];
  configured_in: string[];
  installed: boolean;
  path: string | null;
  detail: string;
  install_hint: string;
  pricing: EngineSpec['pricing'] | null;
  pricing_source: string;
}

/** `omk engines list`: every preset and configured engine, whether it can start here. Exit 0. */
export async function enginesListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const root = ctx.paths.repoRoot ?? ctx.cwd;
  const entries: EngineListEntry[] = listEngines(config, sources).map((spec) => {
    const available = engineAvailability(spec, ctx.env, root);
    return {
      name: spec.name,
      default: spec.name === config.defaults.engine,
      protocol: spec.protocol,
      command: spec.command ?? null,
      args: spec.args,
      base_url: spec.baseUrl ?? null,
      model: spec.model ?? null,
      source: spec.source,
      configured_in: spec.configuredIn,
      installed: available.installed,
      path: available.path ?? null,
      detail: available.detail,
      install_hint: spec.installHint,
      pricing: spec.pricing ?? null,
      pricing_source: spec.pricingSource,
    };
  });
  if (opts.json) {
    writeJson(ctx, { default: config.defaults.engine, engines: entries });
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
  writeLine(ctx, `* default engine (defaults.engine = "${config.defaults.engine}"); omk engines doctor checks that they answer`);
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
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const specs = names.length > 0 ? [...new Set(names)].map((n) => resolveEngine(n, config, sources)) : listEngines(config, sources);
  const root = ctx.paths.repoRoot ?? ctx.cwd;
  const results = await Promise.all(
    specs.map((spec) => probeEngine(spec, { env: ctx.env, cwd: root, signal: ctx.signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) })),
  );
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
