/**
 * OMK_* environment overrides: `OMK_DEFAULTS__MAX_AGENTS=4` sets `defaults.max_agents = 4`.
 * `__` separates path segments, which are lower-cased (except names inside `env` tables, which keep
 * their case because environment variable names are case-sensitive). Variables without `__`
 * (OMK_LOG_LEVEL, OMK_DEBUG, …) belong to other parts of omk and are ignored here.
 */
import { formatKey, setAt } from './keys.js';
import { makeProblem, type ProblemOrigin } from './problem.js';
import { specAt } from './schema.js';
import { parseValueText } from './value.js';
import type { ConfigProblem, ConfigTree } from './types.js';

export const ENV_PREFIX = 'OMK_';
export const ENV_SEPARATOR = '__';

export interface EnvOverrides {
  values: ConfigTree;
  /** Dotted key → the variable that set it. */
  variables: Map<string, string>;
  /** Variables whose names cannot be a config key (empty segments). Type problems come from validateLayer. */
  problems: ConfigProblem[];
}

export function isOverrideVariable(name: string): boolean {
  return name.startsWith(ENV_PREFIX) && name.includes(ENV_SEPARATOR, ENV_PREFIX.length);
}

/** The config path a variable name maps to, or undefined when a segment is empty. */
export function overridePath(name: string): string[] | undefined {
  const segments = name.slice(ENV_PREFIX.length).split(ENV_SEPARATOR);
  if (segments.some((s) => s === '')) return undefined;
  const path: string[] = [];
  for (const segment of segments) {
    const keepCase = specAt(path)?.kind === 'string-map';
    path.push(keepCase ? segment : segment.toLowerCase());
  }
  return path;
}

export function parseEnvOverrides(env: Readonly<Record<string, string | undefined>>): EnvOverrides {
  const values: ConfigTree = {};
  const variables = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  // Sorted so that conflicting variables resolve the same way on every machine.
  const names = Object.keys(env).filter(isOverrideVariable).sort();
  for (const name of names) {
    const raw = env[name];
    if (raw === undefined) continue;
    const path = overridePath(name);
    if (path === undefined) {
      problems.push(
        makeProblem({ variable: name }, '', 'a name like OMK_SECTION__KEY (segments separated by "__")', JSON.stringify(name)),
      );
      continue;
    }
    setAt(values, path, parseValueText(raw, specAt(path)));
    variables.set(formatKey(path), name);
  }
  return { values, variables, problems };
}

/** Which variable to blame for a problem at `path` (the variable that set it, or one beneath it). */
export function envOriginFor(variables: ReadonlyMap<string, string>, path: readonly string[]): ProblemOrigin {
  const key = formatKey(path);
  const exact = variables.get(key);
  if (exact !== undefined) return { variable: exact };
  for (const [k, variable] of variables) if (k.startsWith(`${key}.`) || key.startsWith(`${k}.`)) return { variable };
  return { variable: `${ENV_PREFIX}…` };
}
