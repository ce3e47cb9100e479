import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRef } from '../../core/proof/evidence.js';

export type ArtifactRead =
  | { ok: true; file: string; bytes: Buffer }
  | { ok: false; reason: 'unsafe' | 'missing' | 'unreadable'; message: string };

/**
 * Resolves an artifact path (relative to the goal directory, `/`-separated) and reads it.
 * Absolute paths, `..` segments and symlinks that lead outside the goal directory are refused:
 * a proof may only vouch for files it owns.
 */
export async function readArtifact(goalDir: string, rel: string): Promise<ArtifactRead> {
  if (rel === '' || path.isAbsolute(rel) || rel.includes('\\') || rel.split('/').some((s) => s === '..' || s === '')) {
    return { ok: false, reason: 'unsafe', message: `artifact path ${JSON.stringify(rel)} is not a plain relative path inside the goal directory` };
  }
  const file = path.join(goalDir, ...rel.split('/'));
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', message: `${rel} does not exist` };
    return { ok: false, reason: 'unreadable', message: `${rel} cannot be read: ${(error as Error).message}` };
  }
  const root = await realpath(goalDir);
  if (!real.startsWith(root + path.sep)) {
    return { ok: false, reason: 'unsafe', message: `${rel} resolves outside the goal directory` };
  }
  try {
    return { ok: true, file, bytes: await readFile(real) };
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: `${rel} cannot be read: ${(error as Error).message}` };
  }
}

export function sha256Bytes(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Digests of the given artifact paths, sorted by path, duplicates dropped. Paths that cannot
 * be read come back in `problems` (the caller records them as infra failures).
 */
export async function digestArtifacts(
  goalDir: string,
  paths: readonly string[],
): Promise<{ artifacts: ArtifactRef[]; problems: string[] }> {
  const artifacts: ArtifactRef[] = [];
  const problems: string[] = [];
  for (const rel of [...new Set(paths)].sort()) {
    const read = await readArtifact(goalDir, rel);
    if (read.ok) artifacts.push({ path: rel, sha256: sha256Bytes(read.bytes) });
    else problems.push(read.message);
  }
  return { artifacts, problems };
}
