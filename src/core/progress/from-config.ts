import type { NoProgressConfig } from '../config/types.js';
import type { ProgressThresholds } from './types.js';

/**
 * `[goal.no_progress]` (snake_case TOML keys) as detector thresholds. Missing keys stay unset, so
 * `resolveProgressThresholds` fills in the defaults.
 */
export function progressThresholdsFromConfig(config: Partial<NoProgressConfig> | undefined): Partial<ProgressThresholds> {
  const out: Partial<ProgressThresholds> = {};
  if (config?.repeated_failure !== undefined) out.repeatedFailure = config.repeated_failure;
  if (config?.empty_diffs !== undefined) out.emptyDiffs = config.empty_diffs;
  if (config?.oscillations !== undefined) out.oscillations = config.oscillations;
  if (config?.no_improvement_window !== undefined) out.noImprovementWindow = config.no_improvement_window;
  return out;
}
