/** One benchmark figure. `run` measures and returns the value; extra fields are printed too. */
export interface Figure {
  name: string;
  run: () => Promise<{ value: number; unit: string } & Record<string, unknown>>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The environment for timing child Node processes: NODE_EXTRA_CA_CERTS adds ~50 ms per start here. */
export function benchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
