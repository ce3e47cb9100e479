/**
 * Loading configuration from disk and the environment. The doctor and every command that needs
 * config go through here:
 *
 * - `loadConfig` returns the typed, merged config or throws `OmkError('config_invalid' | 'config_parse')`
 *   listing every problem.
 * - `validateConfigFiles` never throws; it returns every problem found (empty when all is well).
 */
import { OmkError } from '../../core/errors.js';
import { resolveConfig, type ResolvedConfig } from '../../core/config/resolve.js';
import type { ConfigProblem, ConfigSource, OmkConfig } from '../../core/config/types.js';
import type { OmkPaths } from '../paths.js';
import { readConfigFile, type ConfigFileRead } from './read-config-file.js';

export interface LoadConfigInputs {
  paths: Pick<OmkPaths, 'userConfigFile' | 'projectConfigFile'>;
  env: Readonly<Record<string, string | undefined>>;
}

export interface ConfigFileStatus {
  path: string;
  exists: boolean;
}

export interface ConfigFiles {
  user: ConfigFileStatus;
  /** Undefined outside a git repository. */
  project: ConfigFileStatus | undefined;
}

export interface LoadedConfig {
  config: OmkConfig;
  /** Dotted leaf key (`defaults.engine`) → the layer, file or variable that supplied it. */
  sources: Map<string, ConfigSource>;
  files: ConfigFiles;
}

export interface ConfigInspection extends ResolvedConfig {
  files: ConfigFiles;
}

/** Reads both files and the environment; reports every problem instead of throwing. */
export async function inspectConfig({ paths, env }: LoadConfigInputs): Promise<ConfigInspection> {
  const user = await readConfigFile(paths.userConfigFile);
  const project = paths.projectConfigFile === undefined ? undefined : await readConfigFile(paths.projectConfigFile);
  const fileProblems = [user, project].flatMap((f) => (f?.problem ? [f.problem] : []));
  const resolved = resolveConfig({
    user: { file: user.path, values: user.values },
    ...(project ? { project: { file: project.path, values: project.values } } : {}),
    env,
  });
  return {
    ...resolved,
    problems: [...fileProblems, ...resolved.problems],
    files: { user: status(user), project: project && status(project) },
  };
}

function status(file: ConfigFileRead): ConfigFileStatus {
  return { path: file.path, exists: file.exists };
}

/** Every problem with the user file, the project file and the OMK_* variables. Never throws. */
export async function validateConfigFiles(inputs: LoadConfigInputs): Promise<ConfigProblem[]> {
  return (await inspectConfig(inputs)).problems;
}

/** The merged, validated configuration. Throws OmkError `config_parse` or `config_invalid`. */
export async function loadConfig(inputs: LoadConfigInputs): Promise<LoadedConfig> {
  const inspection = await inspectConfig(inputs);
  throwIfProblems(inspection.problems);
  return { config: inspection.values, sources: inspection.sources, files: inspection.files };
}

/** Throws one OmkError listing every problem; `note` is appended (e.g. "nothing was written"). */
export function throwIfProblems(problems: readonly ConfigProblem[], note?: string): void {
  if (problems.length === 0) return;
  const syntax = problems.some((p) => p.expected === 'valid TOML');
  const lines = problems.map((p) => p.message);
  if (note !== undefined) lines.push(note);
  const message = problems.length === 1 ? lines.join('; ') : `${problems.length} config problems:\n  ${lines.join('\n  ')}`;
  throw new OmkError(syntax ? 'config_parse' : 'config_invalid', message, {
    hint: 'fix the file or variable named above; `omk config validate` lists every problem',
  });
}
