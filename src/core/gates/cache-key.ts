import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

/** Bump when the meaning of a cached outcome changes; old entries then simply miss. */
export const GATE_CACHE_VERSION = 1;

export interface GateCacheKeyInput {
  /** The git tree of the working tree the gate ran on (uncommitted changes included). */
  treeSha: string;
  command: string;
  /** Relative to the repository root. */
  cwd: string;
  /**
   * The child's whole environment (the allowlisted base plus the gate's `env`): a different PATH
   * can mean a different toolchain. The gate's name and timeout are not part of it: two gates with
   * the same command share one result, and a deterministic outcome does not depend on the timeout.
   */
  env: Readonly<Record<string, string>>;
}

/** `sha256(canonical JSON of the inputs)`, hex. */
export function gateCacheKey(input: GateCacheKeyInput): string {
  const body = canonicalJson({
    v: GATE_CACHE_VERSION,
    tree_sha: input.treeSha,
    command: input.command,
    cwd: input.cwd,
    env: input.env,
  });
  return createHash('sha256').update(body).digest('hex');
}
