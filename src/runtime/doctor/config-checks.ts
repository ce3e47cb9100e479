import { validateConfigFiles } from '../config/load-config.js';
import type { OmkPaths } from '../paths.js';
import type { DoctorCheck } from './check.js';

/** One check for the config as a whole, then one failing line per problem, each naming file, key and fix. */
export async function checkConfig(
  paths: OmkPaths,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DoctorCheck[]> {
  const problems = await validateConfigFiles({ paths, env });
  if (problems.length === 0) {
    const files = [paths.userConfigFile, paths.projectConfigFile].filter((f): f is string => f !== undefined);
    return [{ id: 'config', group: 'config', status: 'ok', detail: `valid (${files.join(', ')}, OMK_* variables)` }];
  }
  return problems.map((p, i) => ({
    id: problems.length === 1 ? 'config' : `config.${i + 1}`,
    group: 'config',
    status: 'fail',
    detail: p.message,
    fix: p.variable
      ? `correct or unset ${p.variable}`
      : `edit ${p.file ?? 'the config file'}${p.line ? ` at line ${p.line}` : ''}, or run omk config validate`,
  }));
}
