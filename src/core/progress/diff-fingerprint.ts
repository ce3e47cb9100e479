import { createHash } from 'node:crypto';
import type { ChangedFile, HunkFingerprint } from './types.js';

/**
 * Fingerprints of a unified diff (`git diff` output), made so that undoing a change is recognisable:
 * the fingerprint of the reversed diff equals the `inverse` of the original, per hunk and whole.
 *
 * A hunk is reduced to its file and the lines it removes and adds, in order, each with trailing
 * whitespace dropped; line numbers and context lines are left out, so the same edit made at a
 * shifted position fingerprints the same. Its inverse swaps removed and added. A file created or
 * deleted adds a pseudo-hunk (absent ↔ mode), a mode change one (old ↔ new mode), a binary change one
 * with no inverse. A rename is keyed by both names, sorted, so renaming back is its inverse. The whole
 * diff's fingerprint hashes the sorted hunk fingerprints; an empty diff has none (null).
 */
export interface DiffFingerprint {
  fingerprint: string | null;
  inverse: string | null;
  files: ChangedFile[];
}

interface RawHunk {
  removed: string[];
  added: string[];
  /** A change that cannot be inverted from the text (binary). */
  opaque?: boolean;
}

interface RawFile {
  key: string;
  hunks: RawHunk[];
}

export function fingerprintDiff(patch: string): DiffFingerprint {
  const files = parseFiles(patch);
  const out: ChangedFile[] = [];
  const forward: string[] = [];
  const backward: string[] = [];
  for (const file of files) {
    const hunks: HunkFingerprint[] = [];
    for (const h of file.hunks) {
      const fingerprint = hash(['h', file.key, h.opaque ? 'binary' : '', ...h.removed, '\u0000', ...h.added]);
      if (h.opaque) {
        hunks.push({ fingerprint });
        forward.push(fingerprint);
        backward.push(fingerprint);
        continue;
      }
      const inverse = hash(['h', file.key, '', ...h.added, '\u0000', ...h.removed]);
      hunks.push({ fingerprint, inverse });
      forward.push(fingerprint);
      backward.push(inverse);
    }
    if (hunks.length > 0) out.push({ path: file.key, hunks });
  }
  if (forward.length === 0) return { fingerprint: null, inverse: null, files: [] };
  return { fingerprint: hash(['d', ...forward.sort()]), inverse: hash(['d', ...backward.sort()]), files: out };
}

function parseFiles(patch: string): RawFile[] {
  const files: RawFile[] = [];
  let file: RawFile | undefined;
  let hunk: RawHunk | undefined;
  let oldMode: string | undefined;
  for (const rawLine of patch.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine;
    const header = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
    if (header) {
      const [a, b] = [header[1]!, header[2]!];
      file = { key: a === b ? b : [a, b].sort().join(' <-> '), hunks: [] };
      files.push(file);
      hunk = undefined;
      oldMode = undefined;
      continue;
    }
    if (!file) continue;
    if (line.startsWith('@@')) {
      hunk = { removed: [], added: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (hunk) {
      if (line.startsWith('-')) hunk.removed.push(line.slice(1).trimEnd());
      else if (line.startsWith('+')) hunk.added.push(line.slice(1).trimEnd());
      else if (line.startsWith(' ') || line.startsWith('\\') || line === '') continue;
      else hunk = undefined; // an extended header line of the next section
      if (hunk) continue;
    }
    const newFile = /^new file mode (\d+)/.exec(line);
    if (newFile) file.hunks.push({ removed: ['\u0000absent'], added: [`\u0000mode ${newFile[1]}`] });
    const deleted = /^deleted file mode (\d+)/.exec(line);
    if (deleted) file.hunks.push({ removed: [`\u0000mode ${deleted[1]}`], added: ['\u0000absent'] });
    const old = /^old mode (\d+)/.exec(line);
    if (old) oldMode = old[1];
    const mode = /^new mode (\d+)/.exec(line);
    if (mode && oldMode) file.hunks.push({ removed: [`\u0000mode ${oldMode}`], added: [`\u0000mode ${mode[1]}`] });
    if (/^Binary files .* differ$/.test(line) || line.startsWith('GIT binary patch')) {
      file.hunks.push({ removed: [], added: [line], opaque: true });
    }
  }
  return files;
}

function hash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
