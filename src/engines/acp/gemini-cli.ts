import { ENGINE_PRESETS } from '../../core/config/engine-presets.js';

export interface GeminiCliLaunchOptions {
  /**
   * A Node binary and the CLI's `bundle/gemini.js`, to run it without the npm shim (tests use
   * tools/gemini-cli with the system Node). Without them the `gemini` binary on PATH is used.
   */
  node?: string;
  script?: string;
}

export interface GeminiCliLaunch {
  command: string;
  args: string[];
  passEnv: string[];
  env: Record<string, string>;
  serveFs: boolean;
  installHint: string;
}

/**
 * How to start `gemini --acp` (Gemini CLI) as an ACP engine: the `gemini` preset's launch details.
 * Offline, point it at a Gemini API server with `GOOGLE_GEMINI_BASE_URL` + `GEMINI_API_KEY` (and
 * `GEMINI_MODEL`, `GEMINI_CLI_HOME`); see docs/engines.md "Gemini CLI".
 */
export function geminiCliLaunch(options: GeminiCliLaunchOptions = {}): GeminiCliLaunch {
  const preset = ENGINE_PRESETS.gemini!;
  const base = { passEnv: [...preset.passEnv], env: { ...preset.env }, serveFs: preset.serveFs ?? true, installHint: preset.installHint };
  if (options.node && options.script) return { command: options.node, args: [options.script, ...preset.args], ...base };
  return { command: preset.command!, args: [...preset.args], ...base };
}
