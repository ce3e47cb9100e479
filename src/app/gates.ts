import { existsSync } from 'node:fs';
import { DEFAULT_BREAKER_POLICY, type BreakerRecord } from '../core/gates/breaker.js';
import type { GateEvidence } from '../core/gates/evidence.js';
import { selectGates, type GateSpec } from '../core/gates/spec.js';
import { OmkError } from '../core/errors.js';
import type { GateSet } from '../runtime/gates/load-gates.js';
import type { AppContext } from './context.js';
import { repoPaths, withRepoStore } from './repo.js';

export type { GateEvidence } from '../core/gates/evidence.js';
export { describeRun } from '../core/gates/evidence.js';

/** `omk gates …` from anywhere: list, run on the working tree, circuit breakers (docs/gates.md). */

async function gateSet(ctx: AppContext, repoRoot: string): Promise<GateSet> {
  const { loadConfig } = await import('../runtime/config/load-config.js');
  const { loadGates } = await import('../runtime/gates/load-gates.js');
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const set = await loadGates({ repoRoot, config, sources, env: ctx.env });
  for (const p of set.problems) ctx.log.warn(`gate ${p.gate} ignored: ${p.message}`);
  return set;
}

export interface GateListEntry {
  name: string;
  command: string;
  cwd: string;
  timeout_ms: number;
  required: boolean;
  /** Names only: values may be credentials. */
  env: string[];
  source: GateSpec['source'];
  why: string;
  active: boolean;
}

function listEntry(gate: GateSpec, active: boolean): GateListEntry {
  return { name: gate.name, command: gate.command, cwd: gate.cwd, timeout_ms: gate.timeoutMs, required: gate.required, env: Object.keys(gate.env).sort(), source: gate.source, why: gate.why, active };
}

/** Configured and detected gates, which of them run, and why each exists. */
export async function listGates(ctx: AppContext): Promise<{ repo_root: string; gates: GateListEntry[]; problems: GateSet['problems'] }> {
  const { repoRoot } = repoPaths(ctx);
  const set = await gateSet(ctx, repoRoot);
  const activeNames = new Set(set.active.map((g) => `${g.source}:${g.name}`));
  return { repo_root: repoRoot, gates: [...set.configured, ...set.detected].map((g) => listEntry(g, activeNames.has(`${g.source}:${g.name}`))), problems: set.problems };
}

/** Runs gates (all, or those named) on the working tree, uncommitted changes included; `onRun` hears each as it ends. */
export async function runWorkingTreeGates(ctx: AppContext, names: readonly string[], opts: { cache?: boolean; onRun?: (run: GateEvidence) => void } = {}) {
  const { repoRoot } = repoPaths(ctx);
  const set = await gateSet(ctx, repoRoot);
  const { selected, unknown } = selectGates(set.active, [...names]);
  if (unknown.length > 0) {
    const known = set.active.map((g) => g.name).join(', ') || '(none)';
    throw new OmkError('usage', `unknown gate(s): ${unknown.join(', ')}`, { hint: `the gates here are: ${known} (omk gates list)` });
  }
  if (selected.length === 0) {
    throw new OmkError('failed', 'no gates to run: none configured and none detected', { hint: 'add one to .omk/config.toml, e.g. [gates.test] command = "npm test" (see docs/gates.md)' });
  }
  const { workingTreeSha } = await import('../runtime/gates/tree-sha.js');
  const { runGates } = await import('../runtime/gates/run-gates.js');
  const { ensureOmkExcluded } = await import('../runtime/config/git-exclude.js');
  // Artifacts go under .omk/: keep them out of `git status` (as `omk setup` would).
  await ensureOmkExcluded(repoRoot, ctx.env).catch((error: unknown) => ctx.log.warn(`could not update info/exclude: ${String(error)}`));
  const tree = await workingTreeSha(repoRoot, ctx.env, ctx.signal);
  if (!tree.ok) throw new OmkError('io', `cannot compute the working tree's git tree: ${tree.message}`);
  const result = await withRepoStore(ctx, 'create', (store) =>
    runGates(selected, { repoRoot, treeSha: tree.treeSha, store, signal: ctx.signal, env: ctx.env, useCache: opts.cache !== false, now: ctx.now }, (run) => opts.onRun?.(run)),
  );
  return { tree_sha: tree.treeSha, ...result };
}

export interface BreakerEntry {
  gate: string;
  state: BreakerRecord['state'];
  consecutive_failures: number;
  opened_at?: string;
  retry_at?: string;
  last_reason?: string;
  updated_at: string;
}

function breakerEntry(record: BreakerRecord): BreakerEntry {
  const openedAt = record.opened_at ?? record.updated_at;
  const retryAt = record.state === 'open' ? new Date(Date.parse(openedAt) + DEFAULT_BREAKER_POLICY.cooldownMs).toISOString() : undefined;
  return {
    gate: record.gate,
    state: record.state,
    consecutive_failures: record.consecutive_failures,
    ...(record.opened_at !== undefined ? { opened_at: record.opened_at } : {}),
    ...(retryAt !== undefined ? { retry_at: retryAt } : {}),
    ...(record.last_reason !== undefined ? { last_reason: record.last_reason } : {}),
    updated_at: record.updated_at,
  };
}

/** Each gate's circuit breaker (gates never run are closed). Reads only. */
export async function gateBreakers(ctx: AppContext): Promise<{ repo_root: string; threshold: number; cooldown_ms: number; breakers: BreakerEntry[] }> {
  const { repoRoot, dbFile } = repoPaths(ctx);
  const set = await gateSet(ctx, repoRoot);
  const stored = existsSync(dbFile) ? await withRepoStore(ctx, 'read', (store) => store.gates.listBreakers(repoRoot)) : [];
  const byName = new Map(stored.map((r) => [r.gate, r]));
  const now = ctx.now().toISOString();
  for (const gate of set.active) {
    if (!byName.has(gate.name)) byName.set(gate.name, { scope: repoRoot, gate: gate.name, state: 'closed', consecutive_failures: 0, updated_at: now });
  }
  const breakers = [...byName.values()].sort((a, b) => a.gate.localeCompare(b.gate)).map(breakerEntry);
  return { repo_root: repoRoot, threshold: DEFAULT_BREAKER_POLICY.threshold, cooldown_ms: DEFAULT_BREAKER_POLICY.cooldownMs, breakers };
}

/** Closes a gate's circuit breaker. */
export async function resetGate(ctx: AppContext, name: string): Promise<{ gate: string; from: string; to: string }> {
  const { repoRoot } = repoPaths(ctx);
  const set = await gateSet(ctx, repoRoot);
  const { resetGateBreaker } = await import('../runtime/gates/breaker-store.js');
  const result = await withRepoStore(ctx, 'create', async (store) => {
    const known = set.active.some((g) => g.name === name) || (await store.gates.getBreaker(repoRoot, name)) !== undefined;
    if (!known) {
      throw new OmkError('not_found', `no gate or circuit breaker named ${JSON.stringify(name)}`, { hint: `the gates here are: ${set.active.map((g) => g.name).join(', ') || '(none)'} (omk gates status)` });
    }
    return resetGateBreaker({ store, scope: repoRoot, gate: name, now: ctx.now });
  });
  return { gate: name, from: result.before.state, to: result.after.state };
}
