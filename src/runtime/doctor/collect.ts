import type { OmkPaths } from '../paths.js';
import { definedEnv } from '../process/env.js';
import type { DoctorCheck } from './check.js';
import { checkConfig } from './config-checks.js';
import { checkStore } from './store-checks.js';
import { checkEngine, checkKeyVariables, KNOWN_ENGINE_PROBES } from './engine-checks.js';
import { checkWritableDir } from './state-checks.js';
import { checkGit, checkNode, checkSqlite } from './system-checks.js';

export interface DoctorInputs {
  env: Readonly<Record<string, string | undefined>>;
  paths: OmkPaths;
  /** @default VERSION_TIMEOUT_MS (10 s) */
  versionTimeoutMs?: number;
}

/** Runs every check; slow ones (child processes) run concurrently. Never throws. */
export async function collectDoctorChecks({ env, paths, versionTimeoutMs }: DoctorInputs): Promise<DoctorCheck[]> {
  const childEnv = definedEnv(env);
  const [git, sqlite, config, store, ...engines] = await Promise.all([
    checkGit(childEnv),
    checkSqlite(),
    checkConfig(paths, env),
    checkStore(paths),
    ...KNOWN_ENGINE_PROBES.map((probe) => checkEngine(probe, childEnv, versionTimeoutMs)),
  ]);
  const state: DoctorCheck[] = [
    checkWritableDir('state.user_config', 'user config directory', paths.userConfigDir),
    checkWritableDir('state.state_dir', 'state directory', paths.stateDir),
  ];
  if (paths.projectDir) {
    state.push(checkWritableDir('state.project', 'project directory', paths.projectDir));
  } else {
    state.push({
      id: 'state.project',
      group: 'state',
      status: 'warn',
      detail: 'not inside a git repository: goals need one',
      fix: 'run omk inside a git repository (git init)',
    });
  }
  return [checkNode(), git, sqlite, ...engines, ...checkKeyVariables(env), ...config, ...state, ...store];
}
