import { createHash } from 'node:crypto';
import path from 'node:path';
import type { EventPayload } from '../../core/events/catalogue.js';
import type { GateEvidence } from '../../core/gates/evidence.js';
import { mayReuse } from '../../core/gates/reuse.js';
import type { GateSpec } from '../../core/gates/spec.js';
import type { GateRun } from '../../core/proof/evidence.js';
import { parseGateResultText } from '../../core/proof/proof-schema.js';
import { gateRunKey } from '../gates/run-gate.js';
import { readArtifact, sha256Bytes } from '../proof/artifacts.js';
import type { GoalScope } from './context.js';

/**
 * This goal's own earlier run of `spec` on `treeSha` that a new run may point at instead of running
 * the gate again, or undefined. Candidates are the goal's `gate.run_recorded` events on that tree
 * (never another goal's: the evidence must live in this goal's directory), latest first, that were
 * run rather than reused themselves. One qualifies when the runner's result.json has the same cache
 * key (tree, command, cwd, the gate's whole environment), its outcome may be reused (`mayReuse`), and
 * its run.json and stdout/stderr still match their digests.
 */
export async function findReusableRun(scope: GoalScope, spec: GateSpec, treeSha: string): Promise<GateRun | undefined> {
  const key = gateRunKey(spec, treeSha, scope.rt.env);
  const events = await scope.rt.store.readEvents(scope.goalId);
  const candidates = events
    .filter((e) => e.type === 'gate.run_recorded')
    .map((e) => e.payload as EventPayload<'gate.run_recorded'>)
    .filter((p) => p.tree_sha === treeSha && p.reused_from === undefined)
    .reverse();
  for (const c of candidates) {
    const run = await verifiedRun(scope.dir.root, c, key);
    if (run) return run;
  }
  return undefined;
}

async function verifiedRun(goalDir: string, recorded: EventPayload<'gate.run_recorded'>, key: string): Promise<GateRun | undefined> {
  const evidence = await readJson<Partial<GateEvidence>>(goalDir, `${path.posix.dirname(recorded.record_path)}/result.json`);
  if (evidence?.cache_key !== key || evidence.tree_sha !== recorded.tree_sha) return undefined;
  const record = await readArtifact(goalDir, recorded.record_path);
  if (!record.ok || sha256Bytes(record.bytes) !== recorded.record_sha256) return undefined;
  const parsed = parseGateResultText(record.bytes.toString('utf8'));
  if (!parsed.ok) return undefined;
  const run: GateRun = parsed.value;
  const outcome = evidence.outcome;
  if (outcome === undefined || !mayReuse({ outcome, timed_out: run.timed_out, canceled: evidence.canceled === true, infra_error: run.infra_error })) return undefined;
  for (const output of [run.stdout, run.stderr]) {
    const read = await readArtifact(goalDir, output.path);
    if (!read.ok || sha256Bytes(read.bytes) !== output.sha256) return undefined;
  }
  return run;
}

async function readJson<T>(goalDir: string, rel: string): Promise<T | undefined> {
  const read = await readArtifact(goalDir, rel);
  if (!read.ok) return undefined;
  try {
    return JSON.parse(read.bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** sha256 hex of a record's text, as `gate.run_recorded` carries it. */
export function recordDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
