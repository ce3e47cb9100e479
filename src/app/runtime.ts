import { randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import type { OmkConfig } from '../core/config/types.js';
import { resolveEngine } from '../engines/registry/index.js';
import { loadConfig } from '../runtime/config/load-config.js';
import { LiveHub } from '../runtime/feed/live-hub.js';
import { loadGates } from '../runtime/gates/load-gates.js';
import { registerIncludedSecrets } from '../runtime/goal/included-secrets.js';
import type { ControlContext, GoalRuntime } from '../runtime/goal/index.js';
import { newOwnerId } from '../runtime/goal/owner.js';
import { isProcessAlive } from '../runtime/process/pid-alive.js';
import type { Store } from '../core/store/store.js';
import type { AppContext } from './context.js';
import { registryEnginePort, reviewerEnginePort } from './engine-port.js';
import type { RepoPaths } from './repo.js';

/** One live hub per repository per process: every goal this process drives there publishes its agents' activity through it. */
const hubs = new Map<string, Promise<LiveHub>>();

/** This process's live hub for the repository at `omkDir` (started on first use; its socket lives until the process ends). */
export function liveHub(ctx: AppContext, omkDir: string): Promise<LiveHub> {
  let hub = hubs.get(omkDir);
  if (!hub) hubs.set(omkDir, (hub = LiveHub.start(omkDir, (message) => ctx.log.warn(message))));
  return hub;
}

/** Closes this process's live hubs (tests, a long-lived server shutting down). */
export async function closeLiveHubs(): Promise<void> {
  const all = [...hubs.values()];
  hubs.clear();
  for (const h of all) await (await h).close();
}

/**
 * The runtime factory: everything a goal needs, assembled once — config, the values of local files
 * copied into worktrees registered as secrets, gates, the engines (executor and reviewer), the live
 * hub — over an open store. Every surface that runs a goal (CLI, REPL, dashboard, MCP) comes here.
 */
export async function goalRuntime(ctx: AppContext, store: Store, paths: RepoPaths, engine: string | undefined, options: { owner?: string } = {}): Promise<{ rt: GoalRuntime; config: OmkConfig }> {
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  // Before any agent, gate or transcript: the values of local files copied into worktrees are secrets.
  await registerIncludedSecrets(paths.repoRoot);
  const gateSet = await loadGates({ repoRoot: paths.repoRoot, config, sources, env: ctx.env });
  const spec = resolveEngine(engine ?? config.defaults.engine, config, sources);
  const executor = registryEnginePort(spec, ctx.env);
  const rt: GoalRuntime = {
    store,
    repoRoot: paths.repoRoot,
    goalsDir: paths.goalsDir,
    worktreesRoot: config.worktrees.root ? path.resolve(paths.repoRoot, config.worktrees.root) : path.join(paths.repoRoot, '.omk', 'worktrees'),
    env: ctx.env,
    homeDir: ctx.env.HOME ?? homedir(),
    config,
    gates: gateSet.active,
    engine: executor,
    reviewer: reviewerEnginePort(executor, config, sources, ctx.env),
    now: ctx.now,
    randomHex: () => randomBytes(2).toString('hex'),
    signal: ctx.signal,
    progress: ctx.progress ?? (() => undefined),
    owner: options.owner ?? newOwnerId('controller'),
    live: await liveHub(ctx, paths.omkDir),
  };
  return { rt, config };
}

/** This process as a controller: its registry connection, host, pid, and who it acts for. Close `host.registry` when done. */
export async function controlContext(ctx: AppContext, paths: RepoPaths): Promise<ControlContext> {
  const { openControllerRegistry } = await import('../runtime/store/sqlite-controllers.js');
  const registry = await openControllerRegistry({ dbFile: paths.dbFile, now: ctx.now });
  return { host: { registry, host: hostname(), pid: process.pid, pidAlive: isProcessAlive }, by: whoAmI(ctx) };
}

/** `user@host (pid N)`: who asked, in control events. */
export function whoAmI(ctx: Pick<AppContext, 'env'>): string {
  return `${ctx.env.USER ?? ctx.env.USERNAME ?? 'unknown'}@${hostname()} (pid ${process.pid})`;
}
