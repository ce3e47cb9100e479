import type { EnginePricing } from '../../core/config/types.js';
import type { Pricing } from '../session.js';

/** A model's default price and where the figure came from. */
export interface ModelPrice {
  pricing: Required<Pick<Pricing, 'input_per_mtok' | 'output_per_mtok' | 'cached_input_per_mtok'>>;
  /** Where the figures come from, for `omk engines list` and docs/cost.md. */
  source: string;
}

/**
 * Default USD prices per million tokens for current Kimi models (reference/protocols.md §4.5):
 * cache hit → `cached_input_per_mtok`, cache miss → `input_per_mtok`, output → `output_per_mtok`.
 * Data, not logic: `[engines.NAME].pricing` overrides any field.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'kimi-k2.5': {
    pricing: { cached_input_per_mtok: 0.1, input_per_mtok: 0.6, output_per_mtok: 3.0 },
    source: 'platform.moonshot.ai/docs/pricing/chat (archived 2026-03)',
  },
  'kimi-k2.6': {
    pricing: { cached_input_per_mtok: 0.16, input_per_mtok: 0.95, output_per_mtok: 4.0 },
    source: 'third-party (hivebook wiki, Puter issue #2891); official page not retrieved',
  },
  'kimi-k3': {
    pricing: { cached_input_per_mtok: 0.3, input_per_mtok: 3.0, output_per_mtok: 15.0 },
    source: 'third-party (dev.to / TeamoRouter), unverified',
  },
};

export interface ResolvedPricing {
  /** Undefined when nothing is known: costs are then 0 and reported as unpriced. */
  pricing: Pricing | undefined;
  /** e.g. `default for kimi-k2.6 (…)`, `config (/home/u/.config/omk/config.toml)`, `none`. */
  source: string;
}

/**
 * The engine's prices: the model's default, with every field the config sets on top.
 * `configOrigin` names where the config fields came from (files or variables).
 */
export function resolvePricing(model: string | undefined, configured: EnginePricing | undefined, configOrigin: string): ResolvedPricing {
  const known = model === undefined ? undefined : DEFAULT_MODEL_PRICES[model];
  const fields = Object.entries(configured ?? {}).filter(([, v]) => typeof v === 'number');
  if (fields.length === 0) {
    if (!known) return { pricing: undefined, source: 'none' };
    return { pricing: { ...known.pricing }, source: `default for ${model} (${known.source})` };
  }
  const pricing: Pricing = { ...(known?.pricing ?? {}), ...Object.fromEntries(fields) };
  const source = known ? `config (${configOrigin}) over the default for ${model} (${known.source})` : `config (${configOrigin})`;
  return { pricing, source };
}
