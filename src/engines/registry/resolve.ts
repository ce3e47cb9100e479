import { DEFAULT_OPENAI_KEY_ENVS, ENGINE_PRESETS, PRESET_ENGINE_NAMES, type EnginePreset } from '../../core/config/engine-presets.js';
import { formatKey } from '../../core/config/keys.js';
import type { ConfigSource, EngineConfig, EngineProtocol, OmkConfig } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import type { Pricing } from '../session.js';
import { resolvePricing } from './pricing.js';

/** Everything needed to start an engine, with where it came from. */
export interface EngineSpec {
  name: string;
  protocol: EngineProtocol;
  /** The executable (`acp`, `wire`). */
  command: string | undefined;
  /** `acp`: the argv after the command; `wire`: placed before omk's own `--wire --work-dir …` flags. */
  args: string[];
  /** Variables set for the agent (the preset's, then config's). */
  env: Record<string, string>;
  /** `acp`: omk serves the agent's file reads and writes (ACP `fs`). */
  serveFs: boolean;
  /** Variables passed through from omk's environment (preset list plus `pass_env`). */
  passEnv: string[];
  model: string | undefined;
  /** `openai` only. */
  baseUrl: string | undefined;
  /** `openai` only: the variables the key is looked up in, in order. */
  apiKeyEnvs: string[];
  /** `openai` only: `api_key_env` when configured (the adapter then names it in errors). */
  apiKeyEnv: string | undefined;
  pricing: Pricing | undefined;
  /** Where the prices came from (`default for kimi-k2.6 (…)`, `config (FILE)`, `none`). */
  pricingSource: string;
  installHint: string;
  description: string;
  /** True when NAME is one of omk's presets (its config, if any, was merged over it). */
  preset: boolean;
  /** `preset`: nothing in any config file or variable touched it; `config`: something did. */
  source: 'preset' | 'config';
  /** The config files and OMK_* variables that set a key of `[engines.NAME]`. */
  configuredIn: string[];
}

/** The names `resolveEngine` accepts: every preset, then engines only config defines. */
export function engineNames(config: Pick<OmkConfig, 'engines'>): string[] {
  const extra = Object.keys(config.engines).filter((n) => !PRESET_ENGINE_NAMES.includes(n)).sort();
  return [...PRESET_ENGINE_NAMES, ...extra];
}

/**
 * The engine called `name`: the preset of that name (if any) with `[engines.NAME]` from config
 * merged over it, config winning field by field. A config table that changes the protocol replaces
 * the preset's launch details instead of mixing them. Throws `usage` for an unknown name, listing
 * the known ones. `sources` (from `loadConfig`) says which files set what; without it every engine
 * counts as unconfigured.
 */
export function resolveEngine(
  name: string,
  config: Pick<OmkConfig, 'engines'>,
  sources?: ReadonlyMap<string, ConfigSource>,
): EngineSpec {
  const preset = Object.hasOwn(ENGINE_PRESETS, name) ? ENGINE_PRESETS[name] : undefined;
  const configured = Object.hasOwn(config.engines, name) ? config.engines[name] : undefined;
  if (!preset && !configured) {
    throw new OmkError('usage', `unknown engine "${name}"; known engines: ${engineNames(config).join(', ')}`, {
      hint: `pass one of those names, or define [engines.${name}] (protocol, command) in config.toml (docs/config.md)`,
    });
  }
  const base: EnginePreset | undefined = preset && (!configured || configured.protocol === preset.protocol) ? preset : undefined;
  const protocol = configured?.protocol ?? base?.protocol ?? 'acp';
  const configuredIn = configOrigins(name, sources);
  const model = configured?.model ?? base?.model;
  const pricingOrigins = configOrigins(name, sources, 'pricing');
  const { pricing, source: pricingSource } = resolvePricing(model, configured?.pricing, pricingOrigins.join(', ') || 'config');
  const apiKeyEnv = configured?.api_key_env;
  return {
    name,
    protocol,
    command: protocol === 'openai' ? undefined : (configured?.command ?? base?.command),
    args: [...(configured?.args ?? base?.args ?? [])],
    env: { ...(base?.env ?? {}), ...(configured?.env ?? {}) },
    serveFs: configured?.serve_fs ?? base?.serveFs ?? true,
    passEnv: [...new Set([...(base?.passEnv ?? []), ...(configured?.pass_env ?? [])])],
    model,
    baseUrl: protocol === 'openai' ? (configured?.base_url ?? base?.baseUrl ?? ENGINE_PRESETS.builtin?.baseUrl) : undefined,
    apiKeyEnvs: protocol === 'openai' ? (apiKeyEnv ? [apiKeyEnv] : [...DEFAULT_OPENAI_KEY_ENVS]) : [],
    apiKeyEnv,
    pricing,
    pricingSource,
    installHint: base?.installHint ?? installHintFor(name, protocol, configured),
    description: base?.description ?? `${protocol} engine from config`,
    preset: preset !== undefined,
    source: configuredIn.length > 0 || !preset ? 'config' : 'preset',
    configuredIn,
  };
}

/** Every known engine, presets first. */
export function listEngines(
  config: Pick<OmkConfig, 'engines'>,
  sources?: ReadonlyMap<string, ConfigSource>,
): EngineSpec[] {
  return engineNames(config).map((name) => resolveEngine(name, config, sources));
}

function installHintFor(name: string, protocol: EngineProtocol, configured: EngineConfig | undefined): string {
  if (protocol === 'openai') {
    return `export ${configured?.api_key_env ?? DEFAULT_OPENAI_KEY_ENVS[0]} with the API key, or set [engines.${name}].api_key_env`;
  }
  return `install \`${configured?.command ?? name}\`, or set [engines.${name}].command to the agent's full path`;
}

/** The files and OMK_* variables (not the built-in layer) that set a key under `engines.NAME[.sub]`. */
function configOrigins(name: string, sources: ReadonlyMap<string, ConfigSource> | undefined, sub?: string): string[] {
  if (!sources) return [];
  const prefix = `${formatKey(sub ? ['engines', name, sub] : ['engines', name])}.`;
  const out = new Set<string>();
  for (const [key, source] of sources) {
    if (!key.startsWith(prefix) || source.layer === 'default') continue;
    out.add(source.file ?? (source.variable ? `env ${source.variable}` : source.layer));
  }
  return [...out];
}
