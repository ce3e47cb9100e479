/**
 * The engines omk knows without any config (SPEC.md "Engines"), as pure data. The registry
 * (src/engines/registry/) merges `[engines.NAME]` from config over these; the doctor probes them;
 * validation lets `defaults.engine` name one of them without an `[engines.NAME]` table.
 */
import type { EngineProtocol } from './types.js';

export interface EnginePreset {
  protocol: EngineProtocol;
  /** The agent's executable (`acp`, `wire`). */
  command?: string;
  /**
   * `acp`: the whole argv after the command. `wire`: placed before omk's own flags
   * (`--wire --work-dir DIR --session ID …`).
   */
  args: string[];
  /** Variables passed through from omk's environment (a trailing `*` is a prefix). */
  passEnv: string[];
  /** Variables set for the agent; `[engines.NAME].env` wins key by key. */
  env?: Record<string, string>;
  /** `acp`: serve the agent's file reads and writes (ACP `fs`). @default true */
  serveFs?: boolean;
  /** `openai`: the Chat Completions base URL. */
  baseUrl?: string;
  /** `openai`: the model id (also picks default pricing). */
  model?: string;
  /** How to install the agent, one sentence; shown when the binary is missing. */
  installHint: string;
  /** One line for `omk engines list`. */
  description: string;
}

const configure = (name: string): string => `or set [engines.${name}].command to the agent's full path`;

export const ENGINE_PRESETS: Readonly<Record<string, EnginePreset>> = {
  kimi: {
    protocol: 'acp',
    command: 'kimi',
    args: ['acp'],
    passEnv: ['KIMI_*'],
    installHint: `npm i -g @moonshot-ai/kimi-code (Kimi Code CLI, needs Node >= 22.19), ${configure('kimi')}`,
    description: 'Kimi Code CLI over ACP',
  },
  'kimi-wire': {
    protocol: 'wire',
    command: 'kimi',
    args: ['--wire'],
    passEnv: ['KIMI_*', 'MOONSHOT_*'],
    installHint: `uv tool install kimi-cli (the legacy Python Kimi CLI, which speaks --wire), ${configure('kimi-wire')}`,
    description: 'legacy Kimi CLI / kimi-agent over Kimi Wire',
  },
  codex: {
    protocol: 'acp',
    command: 'codex-acp',
    args: [],
    passEnv: ['OPENAI_*', 'CODEX_*'],
    installHint: `npm i -g @zed-industries/codex-acp, ${configure('codex')}`,
    description: 'OpenAI Codex through codex-acp',
  },
  claude: {
    protocol: 'acp',
    command: 'claude-code-acp',
    args: [],
    passEnv: ['ANTHROPIC_*', 'CLAUDE_*'],
    installHint: `npm i -g @zed-industries/claude-code-acp, ${configure('claude')}`,
    description: 'Claude Code through claude-code-acp',
  },
  gemini: {
    protocol: 'acp',
    command: 'gemini',
    args: ['--acp'],
    passEnv: ['GEMINI_*', 'GOOGLE_*'],
    // Without it the CLI re-spawns itself under a parent that ignores SIGTERM (one more Node start).
    env: { GEMINI_CLI_NO_RELAUNCH: 'true' },
    // Gemini CLI cannot create a file through a client that answers a read of a missing file with an
    // error (docs/engines.md "Gemini CLI"): it uses the disk itself, and asks before every edit.
    serveFs: false,
    installHint: `npm i -g @google/gemini-cli (Gemini CLI, Node >= 20), ${configure('gemini')}`,
    description: 'Gemini CLI over ACP',
  },
  builtin: {
    protocol: 'openai',
    args: [],
    passEnv: [],
    baseUrl: 'https://api.moonshot.ai/v1',
    model: 'kimi-k2.6',
    installHint: 'nothing to install: export MOONSHOT_API_KEY (or KIMI_API_KEY), or set [engines.builtin].api_key_env',
    description: "omk's own loop over an OpenAI-compatible API (Moonshot Kimi by default)",
  },
};

/** Preset names, in the order `omk engines list` shows them. */
export const PRESET_ENGINE_NAMES: readonly string[] = Object.keys(ENGINE_PRESETS);

/** Where the builtin engine looks for its key when `api_key_env` is not set, in order. */
export const DEFAULT_OPENAI_KEY_ENVS: readonly string[] = ['MOONSHOT_API_KEY', 'KIMI_API_KEY'];
