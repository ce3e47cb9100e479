/**
 * Money is kept as an integer number of micro-dollars (1 USD = 1 000 000 µ$), never as a float:
 * sums and comparisons are then exact (0.1 + 0.2 is 300 000 µ$, not 0.30000000000000004), and
 * nothing is truncated to cents (the predecessor stored truncated cents). Integers up to
 * 2^53 µ$ (about $9 billion) are exact in a JS number.
 */

export const MICROS_PER_USD = 1_000_000;

/**
 * A USD amount an engine reported as a float (a turn's `costUsd`), in micro-dollars, rounded to the
 * nearest micro-dollar. Non-finite or negative amounts count as 0. A turn is rounded at most half a
 * micro-dollar, once, when it enters the budget; every sum after that is exact.
 */
export function usdToMicros(usd: number): number {
  if (!Number.isFinite(usd) || usd <= 0) return 0;
  return Math.round(usd * MICROS_PER_USD);
}

/** Micro-dollars as a JSON number of dollars (the nearest double to the exact decimal: 300000 → 0.3). */
export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

const DECIMAL = /^\$?(\d+)(?:\.(\d*))?$|^\$?\.(\d+)$/;

/**
 * Parses a non-negative decimal USD amount written by a person (`5`, `0.25`, `$12.50`, `.5`) exactly,
 * into micro-dollars. Undefined when the text is not such an amount or has more than 6 decimals.
 */
export function parseUsdText(text: string): number | undefined {
  const match = DECIMAL.exec(text.trim().replaceAll('_', ''));
  if (!match) return undefined;
  const whole = match[1] ?? '0';
  const frac = match[2] ?? match[3] ?? '';
  if (frac.length > 6) return undefined;
  const micros = Number(whole) * MICROS_PER_USD + Number(frac.padEnd(6, '0'));
  return Number.isSafeInteger(micros) ? micros : undefined;
}

/**
 * Exact decimal text for micro-dollars: at least 2 decimals, trailing zeros beyond them dropped.
 * `300000` → `$0.30`, `123` → `$0.000123`, `5000000` → `$5.00`, `1234567` → `$1.234567`.
 */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  const frac = String(abs % MICROS_PER_USD).padStart(6, '0').replace(/0{1,4}$/, '');
  return `${sign}$${whole}.${frac.padEnd(2, '0')}`;
}
