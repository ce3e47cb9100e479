import type { EngineConfig } from '../../core/config/types.js';
import type { OmkPaths } from '../paths.js';
import { definedEnv } from '../process/env.js';
import type { DoctorCheck } from './check.js';
import { checkConfig } from './config-checks.js';
import { checkStore } from './store-checks.js';
import { inspectConfig } from '../config/load-config.js';
import { checkEngine, checkKeyVariables, engineProbes } from './engine-checks.js';
import { checkWritableDir } from './state-checks.js';
import { checkContainment, checkGit, checkNode, checkSqlite } from './system-checks.js';

export interface DoctorInputs {
  env: Readonly<Record<string, string | undefined>>;
  paths: OmkPaths;
  /** @default VERSION_TIMEOUT_MS (10 s) */
  versionTimeoutMs?: number;
}

/** Runs every check; slow ones (child processes) run concurrently. Never throws. */
export async function collectDoctorChecks({ env, paths, versionTimeoutMs }: DoctorInputs): Promise<DoctorCheck[]> {
  const childEnv = definedEnv(env);
  // Configured engines are probed too; an invalid config is reported by checkConfig, and then only presets are probed.
  const inspection = await inspectConfig({ paths, env }).catch(() => undefined);
  const configured = inspection && inspection.problems.length === 0 ? inspection.values.engines : {};
  const [git, sqlite, containment, config, store, ...engines] = await Promise.all([
    checkGit(childEnv),
    checkSqlite(),
    checkContainment(inspection && inspection.problems.length === 0 ? inspection.values.containment.mode : 'auto', env),
    checkConfig(paths, env),
    checkStore(paths),
    ...engineProbes(configured).map((probe) => checkEngine(probe, childEnv, versionTimeoutMs)),
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
  return [checkNode(), git, sqlite, containment, ...engines, ...checkKeyVariables(env, openaiKeyVariables(configured)), ...config, ...state, ...store];
}

/** `api_key_env` of configured OpenAI-compatible engines, so the doctor says whether each is set. */
function openaiKeyVariables(engines: Readonly<Record<string, EngineConfig>>): string[] {
  return Object.values(engines).flatMap((e) => (e.protocol === 'openai' && e.api_key_env ? [e.api_key_env] : []));
}
