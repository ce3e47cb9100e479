import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, envelopeLine, type EventEnvelope } from '../../../src/core/events/envelope.js';
import { proofJsonText } from '../../../src/core/proof/proof.js';
import type { ProofDocument } from '../../../src/core/proof/proof-schema.js';
import { renderProofMarkdown } from '../../../src/core/proof/render-md.js';
import { readEventLog } from '../../../src/runtime/events/reader.js';
import { sha256Bytes } from '../../../src/runtime/proof/artifacts.js';
import { verifyProof } from '../../../src/runtime/proof/verify-proof.js';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../goal/sample-repo.js';

/**
 * Evidence forged consistently (each piece, then all of it together): a real goal runs once; each case
 * edits a copy of its repository the way a forger would — the file and every digest that vouches for it,
 * proof.md re-rendered with omk's own renderer — and `omk goal proof --verify` must fail naming the file.
 */
let repo: SampleRepo;
let goalId: string;
const copies: string[] = [];

beforeAll(async () => {
  repo = sampleRepo();
  const server = await startModelServer({
    scenario: {
      name: 'forge',
      steps: [
        planStep(),
        { label: 'edit', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
        { label: 'answer', content: 'Fixed add().' },
      ],
    },
  });
  try {
    repo.writeConfig(builtinConfig(server.url));
    const run = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string };
    expect(out.status).toBe('ready');
    goalId = out.goal_id;
  } finally {
    await server.close();
  }
}, 120_000);

afterAll(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
  repo?.cleanup();
});

interface Copy {
  root: string;
  goalDir: string;
  proof(): ProofDocument;
  /** Edits proof.json as a forger would: then writes it and proof.md as omk renders them. */
  forgeProof(edit: (doc: ProofDocument) => void): void;
  /** Rewrites a listed artifact and its digest in proof.json (proof.md re-rendered). */
  forgeArtifact(rel: string, edit: (text: string) => string): void;
  verify(): ReturnType<typeof runOmk>;
}

function copy(): Copy {
  const base = mkdtempSync(path.join(tmpdir(), 'omk-forge-'));
  copies.push(base);
  const root = path.join(base, 'repo');
  // The live feed's socket (the goal ran in this process) is no state to copy.
  cpSync(repo.root, root, { recursive: true, filter: (src) => !lstatSync(src).isSocket() });
  const goalDir = path.join(root, '.omk', 'goals', goalId);
  const proofFile = path.join(goalDir, 'proof.json');
  const read = () => JSON.parse(readFileSync(proofFile, 'utf8')) as ProofDocument;
  const write = (doc: ProofDocument) => {
    writeFileSync(proofFile, proofJsonText(doc));
    writeFileSync(path.join(goalDir, 'proof.md'), renderProofMarkdown(doc));
  };
  return {
    root,
    goalDir,
    proof: read,
    forgeProof(edit) {
      const doc = read();
      edit(doc);
      write(doc);
    },
    forgeArtifact(rel, edit) {
      const file = path.join(goalDir, rel);
      const before = readFileSync(file, 'utf8');
      const after = edit(before);
      if (after === before) throw new Error(`the forgery changed nothing in ${rel}`);
      writeFileSync(file, after);
      const digest = sha256Bytes(readFileSync(file));
      const doc = read();
      for (const a of doc.artifacts) if (a.path === rel) a.sha256 = digest;
      for (const g of doc.gates) for (const s of [g.stdout, g.stderr]) if (s.path === rel) s.sha256 = digest;
      write(doc);
    },
    verify: () => runOmk(['goal', 'proof', goalId, '--verify', '--json'], { cwd: root, env: repo.env }),
  };
}

type Mismatch = { kind: string; path?: string; field?: string; message: string };
async function mismatches(c: Copy): Promise<Mismatch[]> {
  const run = await c.verify();
  expect(run.status).toBe(1);
  return (JSON.parse(run.stdout) as { mismatches: Mismatch[] }).mismatches;
}
const where = (ms: Mismatch[]) => ms.map((m) => `${m.kind} ${m.path ?? ''} ${m.field ?? ''}`.trim());

describe('omk goal proof --verify against evidence forged consistently', () => {
  it('the untouched copy verifies, with the anchor checked', async () => {
    const run = await copy().verify();
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; unchecked: string[]; unanchored_events: string[] };
    expect(report).toMatchObject({ ok: true, unchecked: [], unanchored_events: [] });
    expect(repo.git('for-each-ref', '--format=%(refname)', 'refs/omk/proofs/')).toBe(`refs/omk/proofs/${goalId}\n`);
  });

  it("a gate's result.json rewritten with proof.json and its digest: the gate.run_recorded digest names it", async () => {
    const c = copy();
    const run = c.proof().gates.find((g) => g.scope === 'baseline')!;
    c.forgeArtifact(run.result_path, (t) => t.replace(/"duration_ms": \d+/, '"duration_ms": 1'));
    c.forgeProof((doc) => {
      doc.gates.find((g) => g.run_id === run.run_id)!.duration_ms = 1;
    });
    const ms = await mismatches(c);
    expect(where(ms)).toContain(`evidence ${run.result_path} gates[0].result_path`);
    expect(ms.find((m) => m.path === run.result_path)!.message).toContain('is not the record events.jsonl vouches for');
  });

  it.each([
    ['summary', (d: ProofDocument) => void (d.summary = 'All 12 tasks done, every gate green.'), 'evidence proof.json summary'],
    ['changed_files', (d: ProofDocument) => void d.changed_files.push('README.md'), 'evidence proof.json changed_files'],
    ['tasks[].title', (d: ProofDocument) => void (d.tasks[0]!.title = 'Rewrite the math library'), 'evidence task-graph.json tasks[0].title'],
    ['reviews.*.evidence', (d: ProofDocument) => void d.reviews.code.evidence.push('a reviewer read every line'), 'evidence artifacts/reviews/round-1.json reviews'],
    ['head.tree', (d: ProofDocument) => void (d.head!.tree = d.base.sha), 'evidence proof.json head.tree'],
    ['commits', (d: ProofDocument) => void d.commits.pop(), 'evidence proof.json commits'],
  ])('proof.json %s edited and proof.md re-rendered: named', async (_name, edit, expected) => {
    const c = copy();
    c.forgeProof(edit);
    const ms = await mismatches(c);
    expect(where(ms)).toContain(expected);
    // And the proof is no longer the one anchored at the verdict.
    expect(where(ms)).toContain('anchor proof.json sha256');
  });

  it("the store's goal row edited: omk.db is named", async () => {
    const c = copy();
    const db = new Database(path.join(c.root, '.omk', 'omk.db'));
    db.prepare('UPDATE goals SET prompt = ? WHERE id = ?').run('rewrite the whole project', goalId);
    db.close();
    expect(where(await mismatches(c))).toEqual(['evidence omk.db goal.request']);
  });

  it('an artifact, its digest and proof.md rewritten together: only the anchor catches it, naming proof.json', async () => {
    const c = copy();
    c.forgeArtifact(`transcripts/fix-add/1.jsonl`, (t) => t.replace('math.js', 'math.ts'));
    const ms = await mismatches(c);
    expect(where(ms)).toEqual(['anchor proof.json sha256']);
    expect(ms[0]!.message).toContain(`refs/omk/proofs/${goalId}`);
  });

  it('the chain recomputed across events.jsonl, the store and proof.json: the anchor names events.jsonl and proof.json', async () => {
    const c = copy();
    const file = path.join(c.goalDir, 'events.jsonl');
    const events = readEventLog(file).events;
    // Rewrite the goal's request in goal.created and re-hash every event after it.
    const forged: EventEnvelope[] = [];
    let prev = events[0]!.prev;
    for (const e of events) {
      const payload = e.type === 'goal.created' ? { ...(e.payload as Record<string, unknown>), prompt: 'fix everything' } : e.payload;
      const env = buildEnvelope({ seq: e.seq, ts: e.ts, type: e.type, payload, prev });
      forged.push(env);
      prev = env.hash;
    }
    writeFileSync(file, forged.map(envelopeLine).join(''));
    c.forgeProof((doc) => {
      doc.goal.request = 'fix everything';
      doc.summary = doc.summary.replace('fix the failing test in math.js', 'fix everything');
      doc.events.head = forged[doc.events.count - 1]!.hash;
    });
    // The store rewritten too: verify without its events, as if they agreed.
    const report = await verifyProof({ goalDir: c.goalDir, goalId, git: { cwd: c.root, env: repo.env } });
    expect(report.mismatches.map((m) => `${m.kind} ${m.path} ${m.field}`)).toEqual([
      'anchor proof.json sha256',
      'anchor proof.json events',
      `anchor events.jsonl line ${c.proof().events.count}`,
    ]);
  });

  it('a human decision re-derives the proof and moves the anchor on: the new proof verifies, the old one no longer does', async () => {
    const c = copy();
    const before = readFileSync(path.join(c.goalDir, 'proof.json'));
    const reject = await runOmk(['goal', 'reject', goalId, '--reason', 'not what I asked for'], { cwd: c.root, env: repo.env });
    expect(reject.status, reject.stderr).toBe(0);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: c.root, encoding: 'utf8' });
    expect(git('rev-list', '--count', `refs/omk/proofs/${goalId}`).trim()).toBe('2');
    expect(JSON.parse(git('show', `refs/omk/proofs/${goalId}:anchor.json`))).toMatchObject({ goal_id: goalId, status: 'not_ready', proof_sha256: sha256Bytes(readFileSync(path.join(c.goalDir, 'proof.json'))) });
    expect((await c.verify()).status).toBe(0);
    // Putting the earlier (ready) proof back is caught, though every file it names is still there.
    writeFileSync(path.join(c.goalDir, 'proof.json'), before);
    writeFileSync(path.join(c.goalDir, 'proof.md'), renderProofMarkdown(JSON.parse(before.toString('utf8')) as ProofDocument));
    expect(where(await mismatches(c))).toContain('anchor proof.json sha256');
  });

  it('a version 2 proof whose anchor ref was deleted fails, naming the ref', async () => {
    const c = copy();
    execFileSync('git', ['update-ref', '-d', `refs/omk/proofs/${goalId}`], { cwd: c.root });
    const ms = await mismatches(c);
    expect(where(ms)).toEqual([`anchor refs/omk/proofs/${goalId} anchor`]);
  });

  it('an event forged after the last one is not covered by the proof, and verify says so', async () => {
    const c = copy();
    const file = path.join(c.goalDir, 'events.jsonl');
    const last = readEventLog(file).events.at(-1)!;
    const forged = buildEnvelope({ seq: last.seq + 1, ts: last.ts, type: 'human.accepted', payload: { by: 'mallory', at: last.ts, summary: 'looks fine' }, prev: last.hash });
    writeFileSync(file, readFileSync(file, 'utf8') + envelopeLine(forged));
    const report = await verifyProof({ goalDir: c.goalDir, goalId, git: { cwd: c.root, env: repo.env } });
    expect(report.unanchored_events).toEqual(['human.accepted']);
    const text = await runOmk(['goal', 'proof', goalId, '--verify'], { cwd: c.root, env: repo.env });
    expect(text.stdout).toContain("after the anchored head, which the proof does not cover: human.accepted");
  });
});
