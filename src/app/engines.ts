import type { EngineSpec, ProbeResult } from '../engines/registry/index.js';
import { engineAvailability, listEngines, probeEngine, resolveEngine } from '../engines/registry/index.js';
import { loadConfig } from '../runtime/config/load-config.js';
import type { AppContext } from './context.js';

export type { ProbeResult } from '../engines/registry/index.js';

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

/** Every preset and configured engine, and whether it can start here. */
export async function listEngineEntries(ctx: Pick<AppContext, 'env' | 'paths' | 'cwd'>): Promise<{ default: string; engines: EngineListEntry[] }> {
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const root = ctx.paths.repoRoot ?? ctx.cwd;
  const engines = listEngines(config, sources).map((spec): EngineListEntry => {
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
  return { default: config.defaults.engine, engines };
}

/** Starts each engine (all, or those named), performs its handshake and closes it. */
export async function probeEngines(ctx: AppContext, names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<ProbeResult[]> {
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const specs = names.length > 0 ? [...new Set(names)].map((n) => resolveEngine(n, config, sources)) : listEngines(config, sources);
  const root = ctx.paths.repoRoot ?? ctx.cwd;
  return Promise.all(specs.map((spec) => probeEngine(spec, { env: ctx.env, cwd: root, signal: ctx.signal, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) })));
}
