/** `MM:SS` (or `H:MM:SS` past an hour) of an elapsed time; negative or unknown reads `00:00`. */
export function clock(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** `$0.172` under ten dollars (a turn costs fractions of a cent), `$12.40` above. */
export function money(usd: number): string {
  return `$${usd < 10 ? usd.toFixed(3) : usd.toFixed(2)}`;
}

/** `770`, `1.9k`, `12k`, `1.2M`. */
export function tokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
