import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BreakerPolicy } from '../../core/gates/breaker.js';
import { gateCacheKey } from '../../core/gates/cache-key.js';
import { classifyOutcome, describeOutcome, isCacheable, type GateEvidence, type GateOutcome } from '../../core/gates/evidence.js';
import type { GateSpec } from '../../core/gates/spec.js';
import type { Store } from '../../core/store/store.js';
import { DEFAULT_GRACE_MS, DEFAULT_MAX_OUTPUT_BYTES, runProcess } from '../process/index.js';
import type { ProcessResult } from '../process/index.js';
import { newRunId, repoRelative, runDirectory, writeResult, writeRunOutput } from './artifacts.js';
import { admitGate, recordGateOutcome, type BreakerContext } from './breaker-store.js';
import { gateEnv } from './gate-env.js';

export interface RunGateOptions {
  /** The repository (or worktree) root; `spec.cwd` is relative to it. */
  repoRoot: string;
  /** The tree being judged, computed by the caller (see tree-sha.ts). */
  treeSha: string;
  /** Artifacts go under `<goalDir>/artifacts/gates/`; without it, under `<repoRoot>/.omk/gates/`. */
  goalDir?: string;
  /** With a store: `gate.started`, `gate.finished` and breaker events are appended to this goal. */
  goalId?: string;
  /** The result cache and the circuit breaker live here; without a store neither is used. */
  store?: Store;
  /** Stops the run (the whole process tree); the evidence says `canceled`. */
  signal?: AbortSignal;
  /** The parent environment the gate's allowlisted environment is taken from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Look the result up in the cache first. Fresh deterministic results are stored either way. @default true */
  useCache?: boolean;
  /** The breaker's repository key. @default repoRoot */
  breakerScope?: string;
  breakerPolicy?: Partial<BreakerPolicy>;
  /** @default () => new Date() */
  now?: () => Date;
  /** SIGTERM → SIGKILL grace when the gate is stopped. @default 2000 */
  graceMs?: number;
  /** Per-stream output kept (head and tail). @default 1 MiB */
  maxOutputBytes?: number;
}

/**
 * Runs one gate on the tree at `repoRoot` and returns its evidence. A failing, hanging, missing or
 * cancelled command is a value (`outcome`, `passed`), never a throw; only a failure of omk's own
 * storage (artifacts, the store) rejects. Order: cache (a hit returns the original evidence with
 * `cached: true`), then the breaker (an open one refuses with `outcome: "breaker_open"`), then the run.
 */
/**
 * The key a run of `spec` on `treeSha` is cached (and, within a goal, reused) under: the tree, the
 * command, the cwd and the gate's whole environment as `runGate` would build it from `parentEnv`.
 */
export function gateRunKey(spec: GateSpec, treeSha: string, parentEnv: Readonly<Record<string, string | undefined>>): string {
  return gateCacheKey({ treeSha, command: spec.command, cwd: spec.cwd, env: gateEnv(parentEnv, spec.env) });
}

export async function runGate(spec: GateSpec, options: RunGateOptions): Promise<GateEvidence> {
  const now = options.now ?? (() => new Date());
  const env = gateEnv(options.env ?? process.env, spec.env);
  const cacheKey = gateCacheKey({ treeSha: options.treeSha, command: spec.command, cwd: spec.cwd, env });
  const store = options.store;

  if (store && (options.useCache ?? true)) {
    const hit = await cachedRun(store, cacheKey, options.repoRoot);
    if (hit) {
      const evidence: GateEvidence = { ...hit, required: spec.required, cached: true };
      await finishedEvent(store, options.goalId, evidence);
      return evidence;
    }
  }

  const breaker: BreakerContext | undefined = store && {
    store,
    scope: options.breakerScope ?? options.repoRoot,
    gate: spec.name,
    now,
    ...(options.breakerPolicy ? { policy: options.breakerPolicy } : {}),
    ...(options.goalId !== undefined ? { goalId: options.goalId } : {}),
  };
  const runId = newRunId(spec.name, now());
  const dir = runDirectory(options.repoRoot, runId, options.goalDir);
  if (breaker) {
    const admission = await admitGate(breaker);
    if (!admission.allowed) {
      const refused = await record(spec, options, { runId, dir, cacheKey, startedAt: now(), finishedAt: now() }, refusal(admission.reason), {
        breaker: { state: admission.record.state, reason: admission.reason, retry_at: admission.retry_at },
      });
      await finishedEvent(store, options.goalId, refused);
      return refused;
    }
  }

  if (store && options.goalId !== undefined) {
    const goalId = options.goalId;
    await store.transaction((tx) =>
      tx.appendEvent(goalId, 'gate.started', { gate: spec.name, run_id: runId, command: spec.command, cwd: spec.cwd, tree_sha: options.treeSha }),
    );
  }
  const startedAt = now();
  const cwd = await resolveCwd(options.repoRoot, spec.cwd);
  const result =
    typeof cwd === 'string'
      ? await runProcess({
          command: spec.command,
          shell: true,
          cwd,
          env,
          timeoutMs: spec.timeoutMs,
          graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
          maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
          ...(options.signal ? { signal: options.signal } : {}),
        })
      : refusal(cwd.error, 'ENOTDIR');
  const evidence = await record(spec, options, { runId, dir, cacheKey, startedAt, finishedAt: now() }, result);

  if (store) {
    await store.transaction(async (tx) => {
      if (breaker) await recordGateOutcome(tx, breaker, evidence.outcome, describeOutcome(evidence));
      if (isCacheable(evidence.outcome)) await tx.gates.putCachedRun(evidence);
      if (options.goalId !== undefined) await tx.appendEvent(options.goalId, 'gate.finished', finishedPayload(evidence));
    });
  }
  return evidence;
}

interface RunIds {
  runId: string;
  dir: string;
  cacheKey: string;
  startedAt: Date;
  finishedAt: Date;
}

/** Writes the artifacts and result.json for a finished (or refused) run. */
async function record(
  spec: GateSpec,
  options: RunGateOptions,
  ids: RunIds,
  result: ProcessResult,
  extra: Partial<GateEvidence> = {},
): Promise<GateEvidence> {
  const artifacts = await writeRunOutput(options.repoRoot, ids.dir, result);
  const outcome: GateOutcome = extra.breaker ? 'breaker_open' : classifyOutcome(result);
  const evidence: GateEvidence = {
    version: 1,
    run_id: ids.runId,
    name: spec.name,
    command: spec.command,
    cwd: spec.cwd,
    tree_sha: options.treeSha,
    required: spec.required,
    outcome,
    passed: outcome === 'passed',
    exit_code: result.exitCode,
    signal: result.signal,
    duration_ms: Math.round(result.durationMs),
    timeout_ms: spec.timeoutMs,
    timed_out: result.timedOut,
    canceled: result.canceled,
    ...(result.cancelReason !== undefined ? { cancel_reason: result.cancelReason } : {}),
    ...(result.spawnError ? { spawn_error: result.spawnError } : {}),
    infra_error: null,
    ...extra,
    stdout: artifacts.stdout,
    stderr: artifacts.stderr,
    result_path: repoRelative(options.repoRoot, artifacts.resultFile),
    started_at: ids.startedAt.toISOString(),
    finished_at: ids.finishedAt.toISOString(),
    cached: false,
    cache_key: ids.cacheKey,
  };
  if (outcome === 'infra_error' || outcome === 'breaker_open') evidence.infra_error = describeOutcome(evidence);
  await writeResult(artifacts.resultFile, evidence);
  return evidence;
}

/** A stand-in process result for a run that was never started; `message` becomes its stderr. */
function refusal(message: string, code?: string): ProcessResult {
  const stderr = `${message}\n`;
  return {
    command: '',
    args: [],
    cwd: '',
    pid: undefined,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr,
    stdoutBytes: 0,
    stderrBytes: Buffer.byteLength(stderr),
    stdoutTruncated: false,
    stderrTruncated: false,
    timedOut: false,
    canceled: false,
    durationMs: 0,
    ...(code ? { spawnError: { code, message } } : {}),
  };
}

/** The gate's directory, if it exists inside the repository (symlinks resolved). */
async function resolveCwd(repoRoot: string, cwd: string): Promise<string | { error: string }> {
  const full = path.resolve(repoRoot, cwd);
  try {
    const [root, real] = await Promise.all([realpath(repoRoot), realpath(full)]);
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) return { error: `gate cwd ${cwd} resolves outside the repository (${real})` };
    if (!(await stat(real)).isDirectory()) return { error: `gate cwd ${cwd} is not a directory` };
    return full;
  } catch {
    return { error: `gate cwd ${cwd} does not exist in ${repoRoot}` };
  }
}

/** A cache entry whose artifacts are still on disk, unchanged in size; otherwise a miss. */
async function cachedRun(store: Store, key: string, repoRoot: string): Promise<GateEvidence | undefined> {
  const hit = await store.gates.getCachedRun(key);
  if (!hit) return undefined;
  for (const artifact of [hit.stdout, hit.stderr]) {
    const size = await stat(path.resolve(repoRoot, artifact.path)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== artifact.bytes) return undefined;
  }
  return hit;
}

function finishedPayload(e: GateEvidence) {
  return {
    gate: e.name,
    run_id: e.run_id,
    tree_sha: e.tree_sha,
    outcome: e.outcome,
    passed: e.passed,
    required: e.required,
    exit_code: e.exit_code,
    duration_ms: e.duration_ms,
    cached: e.cached,
    result_path: e.result_path,
    stdout_sha256: e.stdout.sha256,
    stderr_sha256: e.stderr.sha256,
  };
}

async function finishedEvent(store: Store | undefined, goalId: string | undefined, evidence: GateEvidence): Promise<void> {
  if (!store || goalId === undefined) return;
  await store.transaction((tx) => tx.appendEvent(goalId, 'gate.finished', finishedPayload(evidence)));
}
