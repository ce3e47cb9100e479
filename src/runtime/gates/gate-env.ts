import { allowlistEnv } from '../process/index.js';

/**
 * Toolchain variables a gate inherits on top of the base allowlist (PATH, HOME, locale, …):
 * where compilers, virtualenvs and caches live. Secrets are not among them; a gate that needs
 * one sets it in its `env` table.
 */
export const GATE_ENV_NAMES: readonly string[] = [
  'CARGO_HOME',
  'RUSTUP_HOME',
  'RUSTUP_TOOLCHAIN',
  'GOPATH',
  'GOROOT',
  'GOCACHE',
  'GOMODCACHE',
  'GOFLAGS',
  'GOPROXY',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'PYTHONPATH',
  'JAVA_HOME',
  'NVM_DIR',
  'COREPACK_HOME',
  'PNPM_HOME',
  'XDG_CACHE_HOME',
];

/**
 * A gate's whole environment: the allowlisted parent variables, `CI=true` (tools then neither prompt
 * nor watch, and snapshot tools refuse to write new snapshots), and the gate's own `env`, which wins.
 */
export function gateEnv(
  parent: Readonly<Record<string, string | undefined>>,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  return allowlistEnv(parent, GATE_ENV_NAMES, { CI: 'true', ...extra });
}
