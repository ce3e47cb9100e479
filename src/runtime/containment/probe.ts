import { runProcess } from '../process/index.js';
import { whichSync } from '../process/which.js';

export interface ContainmentProbe {
  available: boolean;
  /** The bwrap binary when available. */
  bwrap?: string;
  /** Why not, in a sentence naming what failed. */
  detail: string;
}

const cache = new Map<string, Promise<ContainmentProbe>>();

/**
 * Whether bubblewrap can run a read-only sandbox here: installed, and allowed to make user and mount
 * namespaces (containers and some kernels forbid it). Tried once per process with a real `true`.
 */
export function probeBwrap(env: Readonly<Record<string, string | undefined>>): Promise<ContainmentProbe> {
  const key = env.PATH ?? '';
  let p = cache.get(key);
  if (!p) cache.set(key, (p = probe(env)));
  return p;
}

async function probe(env: Readonly<Record<string, string | undefined>>): Promise<ContainmentProbe> {
  const bwrap = whichSync('bwrap', env);
  if (!bwrap) return { available: false, detail: 'bubblewrap (`bwrap`) is not installed (Debian/Ubuntu: apt-get install bubblewrap)' };
  const r = await runProcess({ command: bwrap, args: ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--die-with-parent', '--', 'true'], env: { PATH: env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 10_000 });
  if (r.exitCode === 0) return { available: true, bwrap, detail: `bubblewrap at ${bwrap}` };
  const said = r.stderr.trim().split('\n').at(-1) ?? '';
  return { available: false, detail: `\`bwrap\` cannot make a sandbox here (${said || `exit ${String(r.exitCode ?? r.signal)}`}); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, or a container without them)` };
}
