import type { ProofDocument } from '../../core/proof/proof-schema.js';
import { renderProofMarkdown } from '../../core/proof/render-md.js';
import { readArtifact, sha256Bytes } from './artifacts.js';
import type { ProofMismatch } from './verify-proof.js';

/**
 * proof.md is not listed among the proof's artifacts (it is written from proof.json), so it is
 * checked by rendering it again from the proof.json just read: the renderer is deterministic,
 * so any other byte means proof.md was edited or belongs to another proof.json.
 */
export async function checkProofMarkdown(goalDir: string, proof: ProofDocument): Promise<ProofMismatch | undefined> {
  const rendered = Buffer.from(renderProofMarkdown(proof), 'utf8');
  const want = sha256Bytes(rendered);
  const read = await readArtifact(goalDir, 'proof.md');
  if (!read.ok) {
    return {
      kind: read.reason === 'unreadable' ? 'schema' : 'artifact_missing',
      path: 'proof.md',
      expected: `proof.md rendered from proof.json (sha256 ${want})`,
      found: read.reason === 'missing' ? 'no file' : read.message,
      message: read.reason === 'missing' ? 'proof.md does not exist' : read.message,
    };
  }
  const have = sha256Bytes(read.bytes);
  if (have === want) return undefined;
  const line = firstDifferentLine(rendered.toString('utf8'), read.bytes.toString('utf8'));
  return {
    kind: 'artifact_digest',
    path: 'proof.md',
    field: `line ${line}`,
    expected: want,
    found: have,
    message: `proof.md does not match proof.json (first difference at line ${line}; rendered from proof.json it has sha256 ${want.slice(0, 12)}, the file ${have.slice(0, 12)})`,
  };
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i += 1;
  return i + 1;
}
