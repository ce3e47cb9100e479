import type { ConfigSource, OmkConfig } from '../../core/config/types.js';
import { detectGates } from '../../core/gates/detect.js';
import { activeGates, gateSpecsFromConfig, withFlagGates, type GateSpec, type GateSpecProblem } from '../../core/gates/spec.js';
import { inspectRepo } from './inspect-repo.js';

export interface GateSet {
  /** From `[gates.NAME]` tables. */
  configured: GateSpec[];
  /** What detection proposes for this repository (shown even when configured gates win). */
  detected: GateSpec[];
  /** The gates that run: the configured ones when there are any, otherwise the detected ones. */
  active: GateSpec[];
  problems: GateSpecProblem[];
}

export interface LoadGatesInputs {
  repoRoot: string;
  config: Pick<OmkConfig, 'gates'>;
  /** From `loadConfig`, to say which file configured each gate. */
  sources?: ReadonlyMap<string, ConfigSource>;
  /** The environment gates will run with (its PATH decides which tools are "installed"). */
  env: Readonly<Record<string, string | undefined>>;
  /** `--gate NAME=COMMAND` of a goal run (parsed): counted as configured gates. */
  flagGates?: Readonly<Record<string, string>>;
}

/** Configured and detected gates for a repository. */
export async function loadGates({ repoRoot, config, sources, env, flagGates }: LoadGatesInputs): Promise<GateSet> {
  const where = (name: string): string => {
    const source = sources?.get(`gates.${name}.command`);
    return source?.file ?? source?.variable ?? 'config';
  };
  const fromConfig = gateSpecsFromConfig(config.gates, where);
  const configured = flagGates ? withFlagGates(fromConfig.specs, flagGates) : fromConfig.specs;
  const problems = fromConfig.problems;
  const detected = detectGates(await inspectRepo(repoRoot, env));
  return { configured, detected, active: activeGates(configured, detected), problems };
}
