import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Evidence, EventsEvidence, InfraFailure } from '../../core/proof/evidence.js';
import { buildProof, proofJsonText } from '../../core/proof/proof.js';
import { parseProofText, type ProofDocument } from '../../core/proof/proof-schema.js';
import { renderProofMarkdown } from '../../core/proof/render-md.js';
import { writeFileAtomically } from '../config/atomic-write.js';
import { verifyEventLog } from '../events/verify-log.js';
import { digestArtifacts, sha256Bytes } from './artifacts.js';

export interface WriteProofInput {
  /** `.omk/goals/<goal-id>/`. */
  goalDir: string;
  /** All evidence but the parts read from disk here (artifact digests, the event chain). */
  evidence: Omit<Evidence, 'artifacts' | 'events'>;
  /** ISO-8601 from the injected clock. */
  generatedAt: string;
  /**
   * More files to list with their digests, relative to goalDir (task-graph.json, review and
   * diff artifacts, …). Every gate run's stdout, stderr and result.json are always listed.
   */
  artifactPaths?: readonly string[];
  /** The chain summary; read from goalDir/events.jsonl when omitted. */
  events?: EventsEvidence;
  summary?: string;
}

export interface WriteProofResult {
  proof: ProofDocument;
  jsonFile: string;
  mdFile: string;
  /** Where an unparsable earlier proof.json was moved, when one was. */
  movedAside?: string;
}

/**
 * Computes the verdict and writes proof.json and proof.md atomically. What cannot be read
 * from disk (a missing gate artifact, a digest that disagrees with the gate runner's, a broken
 * event chain) becomes an infra failure in the evidence, so the proof says so instead of
 * vouching for it. An earlier proof.json that does not parse is moved aside, never overwritten.
 */
export async function writeProof(input: WriteProofInput): Promise<WriteProofResult> {
  const { goalDir } = input;
  const infra: InfraFailure[] = [...input.evidence.infra_failures];

  let events = input.events;
  if (!events) {
    const report = verifyEventLog({ file: path.join(goalDir, 'events.jsonl'), goalId: input.evidence.goal.id });
    if (!report.ok) infra.push({ component: 'event-log', message: report.problems[0]?.message ?? 'the event chain does not verify' });
    events = { count: report.events, head: report.head };
  }

  const gatePaths = input.evidence.gates.flatMap((g) => [g.stdout.path, g.stderr.path, g.result_path]);
  const { artifacts, problems } = await digestArtifacts(goalDir, [...(input.artifactPaths ?? []), ...gatePaths]);
  for (const message of problems) infra.push({ component: 'artifacts', message });
  const digests = new Map(artifacts.map((a) => [a.path, a.sha256]));
  for (const g of input.evidence.gates) {
    for (const [stream, ref] of [['stdout', g.stdout], ['stderr', g.stderr]] as const) {
      const onDisk = digests.get(ref.path);
      if (onDisk !== undefined && onDisk !== ref.sha256) {
        infra.push({ component: 'artifacts', message: `gate run ${g.run_id}: ${stream} digest recorded by the runner does not match ${ref.path}` });
      }
    }
  }

  const evidence: Evidence = { ...input.evidence, infra_failures: infra, artifacts, events };
  const proof = buildProof(evidence, { generatedAt: input.generatedAt, ...(input.summary === undefined ? {} : { summary: input.summary }) });

  const jsonFile = path.join(goalDir, 'proof.json');
  const mdFile = path.join(goalDir, 'proof.md');
  const movedAside = await moveAsideIfCorrupt(jsonFile, input.generatedAt);
  await writeFileAtomically(mdFile, renderProofMarkdown(proof));
  await writeFileAtomically(jsonFile, proofJsonText(proof));
  return { proof, jsonFile, mdFile, ...(movedAside ? { movedAside } : {}) };
}

async function moveAsideIfCorrupt(file: string, stamp: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  if (parseProofText(text).ok) return undefined;
  const aside = `${file}.corrupt-${stamp.replace(/[^0-9A-Za-z]/g, '-')}-${sha256Bytes(Buffer.from(text)).slice(0, 8)}`;
  await rename(file, aside);
  return aside;
}
