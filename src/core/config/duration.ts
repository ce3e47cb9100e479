/**
 * Durations in config: `"90s"`, `"15m"`, `"2h"`, `"1h30m"`, `"1d"`, or a plain number of seconds.
 * Kept as written in the config tree (so `omk config show` echoes the user's text); consumers convert here.
 */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds, or undefined when `value` is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, d, h, m, s] = match;
  return (((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}

export function isDuration(value: unknown): boolean {
  return parseDuration(value) !== undefined;
}
