import { existsSync } from 'node:fs';
import { DEFAULT_BREAKER_POLICY, type BreakerRecord } from '../../core/gates/breaker.js';
import { describeRun, type GateEvidence } from '../../core/gates/evidence.js';
import { selectGates, type GateSpec } from '../../core/gates/spec.js';
import { OmkError } from '../../core/errors.js';
import type { SqliteStore } from '../../runtime/store/sqlite-store.js';
import type { GateSet } from '../../runtime/gates/load-gates.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** The repository root, or `not_a_repo`. */
function repoOf(ctx: CliContext): { repoRoot: string; dbFile: string; goalsDir: string } {
  const { repoRoot, dbFile, goalsDir } = ctx.paths;
  if (repoRoot === undefined || dbFile === undefined || goalsDir === undefined) {
    throw new OmkError('not_a_repo', `${ctx.cwd} is not inside a git repository`, {
      hint: 'run omk gates from inside the repository whose gates you want (or pass -C <dir>)',
    });
  }
  return { repoRoot, dbFile, goalsDir };
}

async function gateSet(ctx: CliContext, repoRoot: string): Promise<GateSet> {
  const { loadConfig } = await import('../../runtime/config/load-config.js');
  const { loadGates } = await import('../../runtime/gates/load-gates.js');
  const { config, sources } = await loadConfig({ paths: ctx.paths, env: ctx.env });
  const set = await loadGates({ repoRoot, config, sources, env: ctx.env });
  for (const p of set.problems) ctx.log.warn(`gate ${p.gate} ignored: ${p.message}`);
  return set;
}

async function withStore<T>(ctx: CliContext, fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  const { dbFile, goalsDir } = repoOf(ctx);
  const { openStore } = await import('../../runtime/store/sqlite-store.js');
  const store = await openStore({ dbFile, goalsDir, now: ctx.now, log: ctx.log });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

function listEntry(gate: GateSpec, active: boolean) {
  return {
    name: gate.name,
    command: gate.command,
    cwd: gate.cwd,
    timeout_ms: gate.timeoutMs,
    required: gate.required,
    // Names only: values may be credentials.
    env: Object.keys(gate.env).sort(),
    source: gate.source,
    why: gate.why,
    active,
  };
}

/** `omk gates list [--json]`: configured and detected gates, which of them run, and why each exists. */
export async function gatesListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { repoRoot } = repoOf(ctx);
  const set = await gateSet(ctx, repoRoot);
  const activeNames = new Set(set.active.map((g) => `${g.source}:${g.name}`));
  const entries = [...set.configured, ...set.detected].map((g) => listEntry(g, activeNames.has(`${g.source}:${g.name}`)));
  if (opts.json) {
    writeJson(ctx, { repo_root: repoRoot, gates: entries, problems: set.problems });
    return EXIT.ok;
  }
  if (entries.length === 0) {
    writeLine(ctx, 'no gates: none configured and none detected');
    writeLine(ctx, '  add one to .omk/config.toml, e.g. [gates.test] command = "npm test" (see docs/gates.md)');
    return EXIT.ok;
  }
  for (const e of entries) {
    const flags = [e.source, e.required ? 'required' : 'optional', `timeout ${seconds(e.timeout_ms)}`];
    if (e.cwd !== '.') flags.push(`cwd ${e.cwd}`);
    if (!e.active) flags.push('not used: configured gates take precedence');
    writeLine(ctx, `${e.active ? '*' : ' '} ${e.name}: ${e.command}`);
    writeLine(ctx, `    ${flags.join(', ')}`);
    writeLine(ctx, `    why: ${e.why}`);
  }
  return EXIT.ok;
}

/**
 * `omk gates run [NAME...] [--json] [--no-cache]`: runs gates on the current working tree (uncommitted
 * changes included). Exit 0 when every required gate passed, 1 otherwise.
 */
export async function gatesRunCommand(
  ctx: CliContext,
  names: string[],
  opts: { json?: boolean; cache?: boolean },
): Promise<number> {
  const { repoRoot } = repoOf(ctx);
  const set = await gateSet(ctx, repoRoot);
  const { selected, unknown } = selectGates(set.active, names);
  if (unknown.length > 0) {
    const known = set.active.map((g) => g.name).join(', ') || '(none)';
    throw new OmkError('usage', `unknown gate(s): ${unknown.join(', ')}`, { hint: `the gates here are: ${known} (omk gates list)` });
  }
  if (selected.length === 0) {
    throw new OmkError('failed', 'no gates to run: none configured and none detected', {
      hint: 'add one to .omk/config.toml, e.g. [gates.test] command = "npm test" (see docs/gates.md)',
    });
  }
  const { workingTreeSha } = await import('../../runtime/gates/tree-sha.js');
  const { runGates } = await import('../../runtime/gates/run-gates.js');
  const { ensureOmkExcluded } = await import('../../runtime/config/git-exclude.js');
  // Artifacts go under .omk/: keep them out of `git status` (as `omk setup` would).
  await ensureOmkExcluded(repoRoot, ctx.env).catch((error: unknown) => ctx.log.warn(`could not update info/exclude: ${String(error)}`));
  const tree = await workingTreeSha(repoRoot, ctx.env, ctx.signal);
  if (!tree.ok) throw new OmkError('io', `cannot compute the working tree's git tree: ${tree.message}`);

  const result = await withStore(ctx, (store) =>
    runGates(
      selected,
      { repoRoot, treeSha: tree.treeSha, store, signal: ctx.signal, env: ctx.env, useCache: opts.cache !== false, now: ctx.now },
      (run) => {
        if (!opts.json) printRun(ctx, run);
      },
    ),
  );
  if (opts.json) {
    writeJson(ctx, { tree_sha: tree.treeSha, passed: result.summary.passed, summary: result.summary, runs: result.runs, skipped: result.skipped });
  } else {
    const { summary } = result;
    const extra = [
      summary.cached > 0 ? `${summary.cached} cached` : '',
      summary.optional_failed.length > 0 ? `optional failed: ${summary.optional_failed.join(', ')}` : '',
      result.skipped.length > 0 ? `skipped: ${result.skipped.join(', ')}` : '',
    ].filter(Boolean);
    writeLine(
      ctx,
      `${summary.passed ? 'PASSED' : 'FAILED'}: ${summary.passed_count}/${summary.total} gates passed on tree ${tree.treeSha.slice(0, 12)}` +
        `${summary.failed.length > 0 ? `; failed: ${summary.failed.join(', ')}` : ''}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`,
    );
  }
  if (ctx.signal.aborted) return EXIT.interrupted;
  return result.summary.passed ? EXIT.ok : EXIT.failure;
}

function printRun(ctx: CliContext, run: GateEvidence): void {
  writeLine(ctx, describeRun(run));
  writeLine(ctx, `    ${run.result_path.replace(/result\.json$/, '')}`);
}

function breakerEntry(record: BreakerRecord) {
  const openedAt = record.opened_at ?? record.updated_at;
  const retryAt =
    record.state === 'open' ? new Date(Date.parse(openedAt) + DEFAULT_BREAKER_POLICY.cooldownMs).toISOString() : undefined;
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

/** `omk gates status [--json]`: each gate's circuit breaker. */
export async function gatesStatusCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { repoRoot, dbFile } = repoOf(ctx);
  const set = await gateSet(ctx, repoRoot);
  const stored = existsSync(dbFile) ? await withStore(ctx, (store) => store.gates.listBreakers(repoRoot)) : [];
  const byName = new Map(stored.map((r) => [r.gate, r]));
  const now = ctx.now().toISOString();
  for (const gate of set.active) {
    if (!byName.has(gate.name)) byName.set(gate.name, { scope: repoRoot, gate: gate.name, state: 'closed', consecutive_failures: 0, updated_at: now });
  }
  const breakers = [...byName.values()].sort((a, b) => a.gate.localeCompare(b.gate)).map(breakerEntry);
  if (opts.json) {
    writeJson(ctx, { repo_root: repoRoot, threshold: DEFAULT_BREAKER_POLICY.threshold, cooldown_ms: DEFAULT_BREAKER_POLICY.cooldownMs, breakers });
    return EXIT.ok;
  }
  if (breakers.length === 0) writeLine(ctx, 'no gates and no circuit breakers recorded');
  for (const b of breakers) {
    const parts = [`${b.state}`, `${b.consecutive_failures} consecutive infrastructure failure(s)`];
    if (b.retry_at) parts.push(`probe allowed from ${b.retry_at}`);
    writeLine(ctx, `${b.gate}: ${parts.join(', ')}`);
    if (b.last_reason) writeLine(ctx, `    last: ${b.last_reason}`);
  }
  return EXIT.ok;
}

/** `omk gates reset NAME`: closes a gate's circuit breaker. */
export async function gatesResetCommand(ctx: CliContext, name: string, opts: { json?: boolean }): Promise<number> {
  const { repoRoot } = repoOf(ctx);
  const set = await gateSet(ctx, repoRoot);
  const { resetGateBreaker } = await import('../../runtime/gates/breaker-store.js');
  const result = await withStore(ctx, async (store) => {
    const known = set.active.some((g) => g.name === name) || (await store.gates.getBreaker(repoRoot, name)) !== undefined;
    if (!known) {
      throw new OmkError('not_found', `no gate or circuit breaker named ${JSON.stringify(name)}`, {
        hint: `the gates here are: ${set.active.map((g) => g.name).join(', ') || '(none)'} (omk gates status)`,
      });
    }
    return resetGateBreaker({ store, scope: repoRoot, gate: name, now: ctx.now });
  });
  if (opts.json) {
    writeJson(ctx, { gate: name, from: result.before.state, to: result.after.state });
  } else if (result.before.state === 'closed') {
    writeLine(ctx, `${name}: breaker already closed (failure count reset)`);
  } else {
    writeLine(ctx, `${name}: breaker ${result.before.state} -> closed`);
  }
  return EXIT.ok;
}
