import { z } from 'zod';
import { refComponent } from '../git/ref-names.js';
import { runGit, type GitContext } from '../git/index.js';

/**
 * The proof's anchor outside the goal directory: at every verdict, a commit on `refs/omk/proofs/<goal>`
 * (parent: the previous anchor) whose tree holds `anchor.json` — the sha256 of proof.json's bytes and the
 * event chain's head the proof records. Everything the proof vouches for is reachable from those two
 * digests (artifact digests in proof.json, events by their hash chain), so a consistent rewrite of the
 * goal directory, the store and proof.json together no longer verifies against the repository.
 * Written after proof.json and before `proof.written`: a crash in between leaves no `proof.written`, so
 * the proof step runs again and anchors the proof it writes.
 * docs/proof-format.md "The anchor"; docs/decisions/0009-proof-v2.md says what it does not stop.
 */
export const ANCHOR_REF_PREFIX = 'refs/omk/proofs';

export function anchorRef(goalId: string): string {
  return `${ANCHOR_REF_PREFIX}/${refComponent(goalId)}`;
}

const chainPoint = z.object({ count: z.number().int().nonnegative(), head: z.string().nullable() });

const anchorSchema = z.object({
  version: z.literal(1),
  goal_id: z.string().min(1),
  status: z.string().min(1),
  /** sha256 of proof.json's bytes as written. */
  proof_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The chain as the proof records it (proof.json's `events`). */
  proof_events: chainPoint,
  head_sha: z.string().nullable(),
  written_at: z.string().min(1),
});
export type ProofAnchor = z.infer<typeof anchorSchema>;

/** Writes the anchor commit and moves the ref to it (compare-and-swap on the previous anchor). */
export async function writeProofAnchor(git: GitContext, anchor: ProofAnchor): Promise<string> {
  const ref = anchorRef(anchor.goal_id);
  const previous = (await runGit(git, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okCodes: [0, 1] })).stdout.trim();
  const blob = (await runGit(git, ['hash-object', '-w', '--stdin'], { input: `${JSON.stringify(anchorSchema.parse(anchor), null, 2)}\n` })).stdout.trim();
  const tree = (await runGit(git, ['mktree'], { input: `100644 blob ${blob}\tanchor.json\n` })).stdout.trim();
  const date = anchor.written_at;
  const commit = (
    await runGit(git, ['commit-tree', tree, ...(previous ? ['-p', previous] : []), '-m', `omk proof anchor: goal ${anchor.goal_id} ${anchor.status}`], {
      extraEnv: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    })
  ).stdout.trim();
  await runGit(git, ['update-ref', '-m', `omk: proof of ${anchor.goal_id}`, ref, commit, previous || '0'.repeat(40)]);
  return commit;
}

export type AnchorRead = { ok: true; anchor: ProofAnchor; commit: string } | { ok: false; reason: 'missing' | 'unreadable'; message: string };

/** The latest anchor of a goal, read only (no git command here writes). */
export async function readProofAnchor(git: GitContext, goalId: string): Promise<AnchorRead> {
  const ref = anchorRef(goalId);
  const commit = (await runGit(git, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okCodes: [0, 1] })).stdout.trim();
  if (!commit) return { ok: false, reason: 'missing', message: `the repository has no ${ref}` };
  const shown = await runGit(git, ['cat-file', 'blob', `${commit}:anchor.json`], { okCodes: [0, 128] });
  if (shown.exitCode !== 0) return { ok: false, reason: 'unreadable', message: `${ref} (${commit.slice(0, 12)}) holds no anchor.json` };
  let value: unknown;
  try {
    value = JSON.parse(shown.stdout);
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: `${ref}:anchor.json is not JSON: ${(error as Error).message}` };
  }
  const parsed = anchorSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: 'unreadable', message: `${ref}:anchor.json is not an anchor at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}` };
  }
  return { ok: true, anchor: parsed.data, commit };
}

/** The anchor of a proof just written: proof.json's digest and the chain head it records. */
export function anchorFor(proof: { goal_id: string; status: string; events: { count: number; head: string | null }; head: { sha: string } | null; generated_at: string }, proofSha256: string): ProofAnchor {
  return {
    version: 1,
    goal_id: proof.goal_id,
    status: proof.status,
    proof_sha256: proofSha256,
    proof_events: proof.events,
    head_sha: proof.head?.sha ?? null,
    written_at: proof.generated_at,
  };
}
