/**
 * Layer merging: tables merge key by key, everything else (arrays included) is replaced whole.
 * Alongside the values we record, for every leaf, the layer that supplied it.
 */
import { formatKey, isTable, leaves } from './keys.js';
import type { ConfigSource, ConfigTree } from './types.js';

export interface ConfigLayerInput {
  source: ConfigSource;
  values: ConfigTree;
  /** Per-leaf sources overriding `source` (environment layers name one variable per key). */
  sourceFor?: (path: readonly string[]) => ConfigSource;
}

export interface MergedConfig {
  values: ConfigTree;
  /** Dotted leaf key → where its value came from. */
  sources: Map<string, ConfigSource>;
}

export function deepMerge(base: ConfigTree, over: ConfigTree): ConfigTree {
  const out: ConfigTree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isTable(current) && isTable(value) ? deepMerge(current, value) : cloneValue(value);
  }
  return out;
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (isTable(value)) return deepMerge({}, value);
  return value;
}

/** Merges layers lowest precedence first. */
export function mergeLayers(layers: readonly ConfigLayerInput[]): MergedConfig {
  let values: ConfigTree = {};
  const sources = new Map<string, ConfigSource>();
  for (const layer of layers) {
    values = deepMerge(values, layer.values);
    for (const [path] of leaves(layer.values)) {
      const key = formatKey(path);
      // A leaf replacing a table (or the reverse) drops the sources of what it replaced.
      for (const existing of [...sources.keys()]) if (existing.startsWith(`${key}.`)) sources.delete(existing);
      for (let i = 1; i < path.length; i += 1) sources.delete(formatKey(path.slice(0, i)));
      sources.set(key, layer.sourceFor ? layer.sourceFor(path) : layer.source);
    }
  }
  return { values, sources };
}
