import { ENGINE_PRESETS, PRESET_ENGINE_NAMES } from '../../core/config/engine-presets.js';
import type { EngineConfig } from '../../core/config/types.js';
import { runProcess, whichSync } from '../process/index.js';
import type { DoctorCheck } from './check.js';

/** An agent binary omk can drive, and how to get it. */
export interface EngineProbe {
  name: string;
  command: string;
  /** Undefined: only check that the binary is there (configured engines whose flags omk does not know). */
  versionArgs: string[] | undefined;
  install: string;
}

/**
 * The engines to probe: every preset that runs a binary (SPEC.md "Engines"), with `[engines.NAME]`
 * from config merged over it, plus engines only config defines. The registry
 * (src/engines/registry/) resolves engines the same way; `omk engines doctor` does full handshakes.
 */
export function engineProbes(configured: Readonly<Record<string, EngineConfig>> = {}): EngineProbe[] {
  const probes: EngineProbe[] = [];
  for (const name of [...PRESET_ENGINE_NAMES, ...Object.keys(configured).filter((n) => !PRESET_ENGINE_NAMES.includes(n)).sort()]) {
    const preset = Object.hasOwn(ENGINE_PRESETS, name) ? ENGINE_PRESETS[name] : undefined;
    const own = Object.hasOwn(configured, name) ? configured[name] : undefined;
    const protocol = own?.protocol ?? preset?.protocol;
    if (protocol !== 'acp' && protocol !== 'wire') continue;
    const samePreset = preset && preset.protocol === protocol ? preset : undefined;
    const command = own?.command ?? samePreset?.command;
    if (command === undefined) continue;
    const fromConfig = own?.command !== undefined && own.command !== samePreset?.command;
    probes.push({
      name,
      command,
      // A preset's own binary answers --version; a configured command may be anything (`node script.mjs`).
      versionArgs: samePreset && !fromConfig ? ['--version'] : undefined,
      install: samePreset?.installHint ?? `install \`${command}\`, or set [engines.${name}].command to its full path`,
    });
  }
  return probes;
}

/** The presets alone (no config), for callers without a loaded config. */
export const KNOWN_ENGINE_PROBES: readonly EngineProbe[] = engineProbes();

/** How long an engine may take to answer its version flag. */
export const VERSION_TIMEOUT_MS = 10_000;

/** Is the engine's binary on PATH, and does it answer its version flag? A missing engine is a warning: one is enough. */
export async function checkEngine(
  probe: EngineProbe,
  env: Record<string, string>,
  timeoutMs: number = VERSION_TIMEOUT_MS,
): Promise<DoctorCheck> {
  const id = `engine.${probe.name}`;
  const found = whichSync(probe.command, env);
  if (!found) {
    return {
      id,
      group: 'engines',
      status: 'warn',
      detail: `${probe.command} is not on PATH`,
      fix: `to use --engine ${probe.name}: ${probe.install}`,
    };
  }
  if (probe.versionArgs === undefined) {
    return { id, group: 'engines', status: 'ok', detail: `${found} (omk engines doctor ${probe.name} checks the handshake)` };
  }
  const r = await runProcess({ command: found, args: probe.versionArgs, env, timeoutMs });
  const firstLine = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (r.exitCode === 0 && !r.timedOut) {
    return { id, group: 'engines', status: 'ok', detail: `${found}: ${firstLine || 'answered'}` };
  }
  const why = r.timedOut
    ? `did not answer within ${timeoutMs / 1000} s`
    : r.spawnError
      ? `could not start (${r.spawnError.code})`
      : `exited ${r.exitCode ?? r.signal}${firstLine ? `: ${firstLine}` : ''}`;
  return {
    id,
    group: 'engines',
    status: 'warn',
    detail: `${found} ${probe.versionArgs.join(' ')} ${why}`,
    fix: `check that ${probe.command} runs on its own; reinstall with: ${probe.install}`,
  };
}

/** API-key variables the engines read. Only whether each is set is reported, never a value. */
export const KEY_VARIABLES: readonly string[] = [
  'MOONSHOT_API_KEY',
  'KIMI_API_KEY',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GEMINI_API_KEY',
  'GITHUB_TOKEN',
];

export function checkKeyVariables(
  env: Readonly<Record<string, string | undefined>>,
  extraNames: readonly string[] = [],
): DoctorCheck[] {
  const names = [...new Set([...KEY_VARIABLES, ...extraNames])];
  const checks: DoctorCheck[] = names.map((name) => ({
    id: `env.${name}`,
    group: 'credentials',
    status: 'ok',
    detail: isSet(env[name]) ? `${name} is set (value not shown)` : `${name} is not set`,
  }));
  if (!isSet(env.MOONSHOT_API_KEY) && !isSet(env.KIMI_API_KEY)) {
    checks.push({
      id: 'engine.builtin',
      group: 'engines',
      status: 'warn',
      detail: 'the builtin engine (Kimi API) has no key: neither MOONSHOT_API_KEY nor KIMI_API_KEY is set',
      fix: 'export MOONSHOT_API_KEY=… to use --engine builtin against the Kimi API',
    });
  } else {
    checks.push({ id: 'engine.builtin', group: 'engines', status: 'ok', detail: 'builtin engine: an API key variable is set' });
  }
  return checks;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
