/**
 * Variables every child gets when the parent has them: enough to find binaries, write temp files
 * and print text, and nothing that carries a secret.
 */
export const BASE_ENV_NAMES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TMPDIR',
  'TZ',
];

/**
 * Builds a child environment from `source`: the base names above, plus `names` (a trailing `*`
 * matches a prefix, e.g. `KIMI_*`), plus `extra`, which wins over both. Anything else in `source`
 * (tokens, cloud credentials) stays behind.
 */
export function allowlistEnv(
  source: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const exact = new Set([...BASE_ENV_NAMES, ...names.filter((n) => !n.endsWith('*'))]);
  const prefixes = names.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (exact.has(key) || prefixes.some((p) => key.startsWith(p))) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Drops `undefined` values, which mean "unset" in an options bag. */
export function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
