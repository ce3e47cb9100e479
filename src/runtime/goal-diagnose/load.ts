import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EventPayload } from '../../core/events/catalogue.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import { parseGateResultText } from '../../core/proof/proof-schema.js';
import type { DiagnosedRun } from './report.js';
import { gateFailureSignature } from './signature.js';

/**
 * The goal-scoped gate runs the log records, each read back from its run.json and, when it failed,
 * given a signature from its stdout and stderr. A missing or unreadable record keeps the event's
 * facts and no signature (the diagnosis is a report, not a verifier: `omk goal proof --verify` is).
 */
export async function loadDiagnosedRuns(goalDir: string, events: readonly EventEnvelope[], repoRoot?: string): Promise<Map<string, DiagnosedRun>> {
  const runs = new Map<string, DiagnosedRun>();
  const checkouts = [...(repoRoot ? [repoRoot] : []), ...events.filter((e) => e.type === 'task.started').map((e) => (e.payload as EventPayload<'task.started'>).worktree)];
  for (const e of events) {
    if (e.type !== 'gate.run_recorded') continue;
    const p = e.payload as EventPayload<'gate.run_recorded'>;
    const run: DiagnosedRun = {
      run_id: p.run_id,
      gate: p.gate,
      scope: p.scope,
      task_id: p.task_id,
      tree_sha: p.tree_sha,
      passed: p.passed,
      exit_code: null,
      timed_out: false,
      duration_ms: null,
      signature: null,
      excerpt: null,
    };
    const text = await readText(goalDir, p.record_path);
    const parsed = text === undefined ? undefined : parseGateResultText(text);
    if (parsed?.ok) {
      const r = parsed.value;
      run.exit_code = r.exit_code;
      run.timed_out = r.timed_out;
      run.duration_ms = r.duration_ms;
      if (!p.passed) {
        const output = [(await readText(goalDir, r.stdout.path)) ?? '', (await readText(goalDir, r.stderr.path)) ?? ''].join('\n');
        const sig = gateFailureSignature(p.gate, { exitCode: r.exit_code, timedOut: r.timed_out, infraError: r.infra_error }, output, checkouts);
        run.signature = sig.signature;
        run.excerpt = sig.excerpt;
      }
    }
    runs.set(p.run_id, run);
  }
  return runs;
}

async function readText(goalDir: string, rel: string): Promise<string | undefined> {
  if (path.isAbsolute(rel) || rel.split('/').includes('..')) return undefined;
  try {
    return await readFile(path.join(goalDir, rel), 'utf8');
  } catch {
    return undefined;
  }
}
