import { runProcess, whichSync } from '../process/index.js';
import type { DoctorCheck } from './check.js';

/** An agent binary omk can drive, and how to get it. */
export interface EngineProbe {
  name: string;
  command: string;
  versionArgs: string[];
  install: string;
}

/** The engines omk knows out of the box (SPEC.md "Engines"); configured ones are added to these. */
export const KNOWN_ENGINE_PROBES: readonly EngineProbe[] = [
  { name: 'kimi', command: 'kimi', versionArgs: ['--version'], install: 'npm i -g @moonshot-ai/kimi-code (Kimi Code CLI, needs Node >= 22.19)' },
  { name: 'codex', command: 'codex-acp', versionArgs: ['--version'], install: 'npm i -g @zed-industries/codex-acp' },
  { name: 'claude', command: 'claude-code-acp', versionArgs: ['--version'], install: 'npm i -g @zed-industries/claude-code-acp' },
  { name: 'gemini', command: 'gemini', versionArgs: ['--version'], install: 'npm i -g @google/gemini-cli' },
];

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
