import { whichSync } from '../../runtime/process/index.js';
import type { EngineSpec } from './resolve.js';

/** Whether an engine can be started here, without starting it. */
export interface EngineAvailability {
  /** `acp`/`wire`: the binary is on PATH; `openai`: an API key variable is set. */
  installed: boolean;
  /** The binary's full path, when found. */
  path?: string;
  /** `openai`: the variable the key was found in. */
  keyVariable?: string;
  /** One line: the path, or what is missing. Never a key's value. */
  detail: string;
}

/**
 * Looks the binary up on the agent's PATH (`[engines.NAME].env.PATH` when set, else omk's), or
 * for `openai` engines checks that a key variable is set. Spawns nothing.
 */
export function engineAvailability(spec: EngineSpec, env: Readonly<Record<string, string | undefined>>, cwd: string): EngineAvailability {
  if (spec.protocol === 'openai') {
    const keyVariable = spec.apiKeyEnvs.find((name) => (env[name] ?? '').trim() !== '');
    if (keyVariable) return { installed: true, keyVariable, detail: `API key in ${keyVariable}` };
    return { installed: false, detail: `no API key: ${spec.apiKeyEnvs.join(' and ')} ${spec.apiKeyEnvs.length > 1 ? 'are' : 'is'} not set` };
  }
  const command = spec.command ?? '';
  const found = whichSync(command, { PATH: spec.env.PATH ?? env.PATH }, cwd);
  if (found) return { installed: true, path: found, detail: found };
  return { installed: false, detail: command.includes('/') ? `\`${command}\` does not exist or is not executable` : `\`${command}\` is not on PATH` };
}
