import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRef, GateEvidence } from '../../core/gates/evidence.js';
import { redactSecrets } from '../../core/redact.js';
import { writeFileAtomically } from '../config/atomic-write.js';

/** Where one run's files go: `<goalDir>/artifacts/gates/<run-id>/`, or `<repo>/.omk/gates/<run-id>/` without a goal. */
export function runDirectory(repoRoot: string, runId: string, goalDir?: string): string {
  return goalDir === undefined
    ? path.join(repoRoot, '.omk', 'gates', runId)
    : path.join(goalDir, 'artifacts', 'gates', runId);
}

/** `20250301T120000Z-test-1a2b3c`: sortable by start time, readable, unique. */
export function newRunId(name: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'gate';
  return `${stamp}-${slug}-${randomBytes(3).toString('hex')}`;
}

/** Repository-relative POSIX path (what evidence records), or the absolute path when outside the repo. */
export function repoRelative(repoRoot: string, file: string): string {
  const rel = path.relative(repoRoot, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/**
 * Writes one captured stream: redacted first, then atomically; the digest is over exactly the bytes
 * written, so `sha256sum` of the file matches the evidence.
 */
export async function writeStreamArtifact(
  repoRoot: string,
  file: string,
  text: string,
  originalBytes: number,
  truncated: boolean,
): Promise<ArtifactRef> {
  const bytes = Buffer.from(redactSecrets(text), 'utf8');
  await writeFileAtomically(file, bytes.toString('utf8'));
  return {
    path: repoRelative(repoRoot, file),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    original_bytes: originalBytes,
    truncated,
  };
}

export interface RunArtifacts {
  dir: string;
  stdout: ArtifactRef;
  stderr: ArtifactRef;
  resultFile: string;
}

/** Creates the run directory and writes stdout and stderr. */
export async function writeRunOutput(
  repoRoot: string,
  dir: string,
  out: { stdout: string; stderr: string; stdoutBytes: number; stderrBytes: number; stdoutTruncated: boolean; stderrTruncated: boolean },
): Promise<RunArtifacts> {
  await mkdir(dir, { recursive: true });
  const [stdout, stderr] = await Promise.all([
    writeStreamArtifact(repoRoot, path.join(dir, 'stdout'), out.stdout, out.stdoutBytes, out.stdoutTruncated),
    writeStreamArtifact(repoRoot, path.join(dir, 'stderr'), out.stderr, out.stderrBytes, out.stderrTruncated),
  ]);
  return { dir, stdout, stderr, resultFile: path.join(dir, 'result.json') };
}

/** `result.json`: the evidence itself, pretty-printed, written last (its presence means the run is recorded). */
export async function writeResult(file: string, evidence: GateEvidence): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(evidence, null, 2)}\n`);
}
