/**
 * The whole pure pipeline: built-in defaults < user file < project file < OMK_* variables,
 * each layer validated on its own, then merged, then the merged tree checked.
 */
import { defaultConfig } from './defaults.js';
import { envOriginFor, parseEnvOverrides } from './env-overrides.js';
import { mergeLayers, type ConfigLayerInput } from './merge.js';
import { validateLayer, validateMerged } from './validate.js';
import type { ConfigProblem, ConfigSource, ConfigTree, OmkConfig } from './types.js';

export interface ParsedFileLayer {
  file: string;
  /** The parsed TOML, or undefined when the file is missing or did not parse. */
  values: ConfigTree | undefined;
}

export interface ResolveInputs {
  user?: ParsedFileLayer;
  project?: ParsedFileLayer;
  env: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedConfig {
  /** Typed only when `problems` is empty; otherwise a best-effort merge for display. */
  values: OmkConfig;
  sources: Map<string, ConfigSource>;
  problems: ConfigProblem[];
}

export function resolveConfig({ user, project, env }: ResolveInputs): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const layers: ConfigLayerInput[] = [
    { source: { layer: 'default' }, values: defaultConfig() as unknown as ConfigTree },
  ];
  for (const [layer, input] of [['user', user], ['project', project]] as const) {
    if (input?.values === undefined) continue;
    problems.push(...validateLayer(input.values, () => ({ file: input.file })));
    layers.push({ source: { layer, file: input.file }, values: input.values });
  }
  const overrides = parseEnvOverrides(env);
  problems.push(...overrides.problems);
  problems.push(...validateLayer(overrides.values, (path) => envOriginFor(overrides.variables, path)));
  layers.push({
    source: { layer: 'env' },
    values: overrides.values,
    sourceFor: (path) => ({ layer: 'env', variable: envOriginFor(overrides.variables, path).variable ?? '' }),
  });
  const merged = mergeLayers(layers);
  problems.push(...validateMerged(merged.values, merged.sources));
  // Safe once `problems` is empty: every layer matched the schema and the merged rules hold.
  return { values: merged.values as unknown as OmkConfig, sources: merged.sources, problems };
}
