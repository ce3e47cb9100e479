import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEnvelope, envelopeLine, genesisHash, type EventEnvelope } from '../../../src/core/events/envelope.js';
import type { Evidence, GateRun } from '../../../src/core/proof/evidence.js';
import { computeVerdict } from '../../../src/core/proof/verdict.js';
import { evidenceFromProof } from '../../../src/core/proof/proof.js';
import type { ProofDocument } from '../../../src/core/proof/proof-schema.js';
import { verifyProof } from '../../../src/runtime/proof/verify-proof.js';
import { writeProof } from '../../../src/runtime/proof/write-proof.js';
import { readyEvidence } from '../../core/proof/fixtures.js';

const GOAL = 'g-0001';
const AT = '2025-03-01T12:00:00.000Z';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'omk-proof-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function makeEvents(n: number, from = 1, prevHash = genesisHash(GOAL)): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prev = prevHash;
  for (let seq = from; seq < from + n; seq += 1) {
    const env = buildEnvelope({
      seq,
      ts: new Date(Date.UTC(2025, 2, 1, 12, 0, seq)).toISOString(),
      type: 'gate.transitioned',
      payload: { gate: `gate-${seq}`, from: 'pending', to: 'passed' },
      prev,
    });
    out.push(env);
    prev = env.hash;
  }
  return out;
}

/** Writes every gate's stdout, stderr and result.json as the gate runner would, with real digests. */
function writeGateArtifacts(evidence: Evidence): void {
  evidence.gates = evidence.gates.map((g) => {
    const out = `> ${g.command}\n${g.passed ? 'all tests passed' : '1 failing'}\n`;
    const err = g.passed ? '' : 'AssertionError: expected 100\n';
    const run: GateRun = { ...g, stdout: { path: g.stdout.path, sha256: sha(out) }, stderr: { path: g.stderr.path, sha256: sha(err) } };
    const runDir = path.join(dir, path.dirname(g.result_path));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(path.join(dir, g.stdout.path), out);
    writeFileSync(path.join(dir, g.stderr.path), err);
    writeFileSync(path.join(dir, g.result_path), `${JSON.stringify(run, null, 2)}\n`);
    return run;
  });
}

async function setup(edit: (e: Evidence) => void = () => {}): Promise<ProofDocument> {
  const evidence = readyEvidence();
  edit(evidence);
  writeGateArtifacts(evidence);
  writeFileSync(path.join(dir, 'task-graph.json'), '{"tasks":[{"id":"t1"},{"id":"t2"}]}\n');
  writeFileSync(path.join(dir, 'events.jsonl'), makeEvents(6).map(envelopeLine).join(''));
  const { artifacts: _a, events: _e, ...rest } = evidence;
  const { proof } = await writeProof({ goalDir: dir, evidence: rest, generatedAt: AT, artifactPaths: ['task-graph.json'] });
  return proof;
}

function flipByte(file: string, at: number): Buffer {
  const original = readFileSync(file);
  const copy = Buffer.from(original);
  const c = copy[at]!;
  copy[at] = c >= 0x30 && c <= 0x39 ? 0x30 + ((c - 0x30 + 1) % 10) : c === 0x61 ? 0x62 : 0x61;
  writeFileSync(file, copy);
  return original;
}

const kinds = (r: { mismatches: Array<{ kind: string }> }) => r.mismatches.map((m) => m.kind);

describe('writeProof + verifyProof', () => {
  it('a fresh proof verifies', async () => {
    const proof = await setup();
    expect(proof.status).toBe('ready');
    expect(proof.events).toEqual({ count: 6, head: makeEvents(6)[5]!.hash });
    expect(proof.artifacts.map((a) => a.path)).toEqual([
      'artifacts/gates/r1/result.json', 'artifacts/gates/r1/stderr', 'artifacts/gates/r1/stdout',
      'artifacts/gates/r2/result.json', 'artifacts/gates/r2/stderr', 'artifacts/gates/r2/stdout',
      'artifacts/gates/r3/result.json', 'artifacts/gates/r3/stderr', 'artifacts/gates/r3/stdout',
      'artifacts/gates/r4/result.json', 'artifacts/gates/r4/stderr', 'artifacts/gates/r4/stdout',
      'task-graph.json',
    ]);
    const report = await verifyProof({ goalDir: dir, goalId: GOAL, storeEvents: makeEvents(6) });
    expect(report).toEqual({
      goal_id: GOAL,
      ok: true,
      status: 'ready',
      mismatches: [],
      checked: { artifacts: 13, gate_results: 4, events: 6 },
      unchecked: ['head, changed files, commits and the anchor: no repository given'],
      unanchored_events: [],
    });
    expect(readFileSync(path.join(dir, 'proof.md'), 'utf8')).toMatch(/^# Proof: goal g-0001\n\n\*\*Status: `ready`\*\*/);
  });

  it('writes byte-identical files for the same evidence', async () => {
    await setup();
    const first = [readFileSync(path.join(dir, 'proof.json')), readFileSync(path.join(dir, 'proof.md'))];
    await setup();
    expect(readFileSync(path.join(dir, 'proof.json')).equals(first[0]!)).toBe(true);
    expect(readFileSync(path.join(dir, 'proof.md')).equals(first[1]!)).toBe(true);
  });

  it('still verifies after events are appended past the proof (proof.ready)', async () => {
    await setup();
    const last = makeEvents(6).at(-1)!;
    appendFileSync(path.join(dir, 'events.jsonl'), makeEvents(2, 7, last.hash).map(envelopeLine).join(''));
    expect((await verifyProof({ goalDir: dir, goalId: GOAL })).ok).toBe(true);
  });

  it('editing one byte of any artifact fails verification, naming it', async () => {
    const proof = await setup();
    expect(proof.artifacts.length).toBeGreaterThan(0);
    for (const a of proof.artifacts) {
      const file = path.join(dir, a.path);
      const size = statSync(file).size;
      if (size === 0) {
        writeFileSync(file, 'x');
      } else {
        const original = flipByte(file, Math.floor(size / 2));
        const report = await verifyProof({ goalDir: dir, goalId: GOAL });
        expect(report.ok, a.path).toBe(false);
        expect(report.mismatches.some((m) => m.kind === 'artifact_digest' && m.path === a.path), a.path).toBe(true);
        writeFileSync(file, original);
        continue;
      }
      const report = await verifyProof({ goalDir: dir, goalId: GOAL });
      expect(report.mismatches.some((m) => m.kind === 'artifact_digest' && m.path === a.path), a.path).toBe(true);
      writeFileSync(file, '');
    }
    expect((await verifyProof({ goalDir: dir, goalId: GOAL })).ok).toBe(true);
  });

  it('editing one byte of any events.jsonl line fails verification, naming the line', async () => {
    await setup();
    const file = path.join(dir, 'events.jsonl');
    const original = readFileSync(file);
    const lines = original.toString('utf8').split('\n').slice(0, -1);
    let offset = 0;
    for (const [i, line] of lines.entries()) {
      // A byte inside the payload, in the ts, and in the hash: each must be caught.
      for (const at of [line.indexOf('"ts"') + 8, line.indexOf('gate-') + 5, line.length - 10]) {
        flipByte(file, offset + at);
        const report = await verifyProof({ goalDir: dir, goalId: GOAL });
        expect(report.ok, `line ${i + 1} byte ${at}`).toBe(false);
        const named = report.mismatches.some(
          (m) => (m.kind === 'event_chain' && m.field === `line ${i + 1}`) || (m.kind === 'event_head' && i === lines.length - 1),
        );
        expect(named, `line ${i + 1} byte ${at}: ${JSON.stringify(report.mismatches)}`).toBe(true);
        writeFileSync(file, original);
      }
      offset += Buffer.byteLength(line) + 1;
    }
  });

  it('a deleted last event is an event_head mismatch', async () => {
    await setup();
    const file = path.join(dir, 'events.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, `${lines.slice(0, 5).join('\n')}\n`);
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(kinds(report)).toEqual(['event_head']);
    expect(report.mismatches[0]!.message).toBe('the proof counts 6 events but events.jsonl has no event 6');
  });

  it('cross-checks the store when given its events', async () => {
    await setup();
    const store = makeEvents(6);
    store[5] = buildEnvelope({ ...store[5]!, payload: { gate: 'other', from: 'pending', to: 'failed' } });
    const report = await verifyProof({ goalDir: dir, goalId: GOAL, storeEvents: store });
    expect(kinds(report)).toContain('event_chain');
  });

  it('editing one byte of proof.md fails verification, naming proof.md and the line', async () => {
    await setup();
    const file = path.join(dir, 'proof.md');
    const bytes = readFileSync(file);
    // A byte in the table row of gate run r2 (a byte offset: proof.md has multi-byte characters).
    const at = bytes.indexOf('| r2 |') + 3;
    const line = bytes.subarray(0, at).toString('utf8').split('\n').length;
    const original = flipByte(file, at);
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual([expect.objectContaining({ kind: 'artifact_digest', path: 'proof.md', field: `line ${line}` })]);
    expect(report.mismatches[0]!.message).toMatch(/^proof\.md does not match proof\.json \(first difference at line \d+;/);
    writeFileSync(file, original);
    expect((await verifyProof({ goalDir: dir, goalId: GOAL })).ok).toBe(true);
    unlinkSync(file);
    expect((await verifyProof({ goalDir: dir, goalId: GOAL })).mismatches).toEqual([
      expect.objectContaining({ kind: 'artifact_missing', path: 'proof.md', found: 'no file' }),
    ]);
  });

  it('a missing artifact is reported by path', async () => {
    await setup();
    unlinkSync(path.join(dir, 'artifacts/gates/r3/stdout'));
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'artifact_missing', path: 'artifacts/gates/r3/stdout', found: 'no file' }),
    ]);
  });
});

describe('verifyProof: a tampered proof.json', () => {
  const editProof = (fn: (doc: ProofDocument) => void) => {
    const file = path.join(dir, 'proof.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ProofDocument;
    fn(doc);
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  };

  it('catches a tampered verdict', async () => {
    await setup((e) => {
      e.gates[2] = { ...e.gates[2]!, passed: false, exit_code: 1 };
    });
    editProof((doc) => {
      doc.status = 'ready';
      doc.known_gaps = [];
    });
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.ok).toBe(false);
    // proof.md was written from the original proof.json, so it no longer matches either.
    expect(report.mismatches.map((m) => [m.kind, m.field ?? ''])).toEqual([
      ['verdict', 'status'],
      ['verdict', 'known_gaps'],
      ['artifact_digest', expect.stringMatching(/^line \d+$/)],
    ]);
    expect(report.mismatches[0]).toMatchObject({ expected: '"not_ready"', found: '"ready"' });
  });

  it('catches evidence rewritten to agree with a forged verdict, from the gate results on disk', async () => {
    await setup((e) => {
      e.gates[2] = { ...e.gates[2]!, passed: false, exit_code: 1 };
    });
    editProof((doc) => {
      doc.gates[2] = { ...doc.gates[2]!, passed: true, exit_code: 0 };
      const v = computeVerdict(evidenceFromProof(doc));
      Object.assign(doc, { status: v.status, readiness: v.readiness, known_gaps: v.known_gaps });
    });
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.mismatches.map((m) => [m.kind, m.path, m.field])).toEqual([
      ['evidence', 'artifacts/gates/r3/result.json', 'gates[2].exit_code'],
      ['evidence', 'artifacts/gates/r3/result.json', 'gates[2].passed'],
      // The summary counts passing runs: the forger left it as it was.
      ['evidence', 'proof.json', 'summary'],
      ['verdict', 'proof.json', 'status'],
      ['artifact_digest', 'proof.md', expect.stringMatching(/^line \d+$/)],
    ]);
    expect(report.mismatches[3]!.message).toBe("the gate results and test evidence on disk give status not_ready, proof.json's evidence gives ready");
    expect(report.mismatches[0]!.message).toBe(
      "proof.json's gate run r3 says exit_code 0, artifacts/gates/r3/result.json says 1",
    );
  });

  it('refuses artifact paths outside the goal directory', async () => {
    await setup();
    writeFileSync(path.join(path.dirname(dir), `outside-${path.basename(dir)}`), 'x');
    editProof((doc) => doc.artifacts.push({ path: `../outside-${path.basename(dir)}`, sha256: sha('x') }));
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'artifact_missing', path: `../outside-${path.basename(dir)}` }),
      expect.objectContaining({ kind: 'artifact_digest', path: 'proof.md' }),
    ]);
    rmSync(path.join(path.dirname(dir), `outside-${path.basename(dir)}`));
  });

  it('reports a proof of another goal', async () => {
    await setup();
    const report = await verifyProof({ goalDir: dir, goalId: 'g-other' });
    expect(report.mismatches[0]).toMatchObject({ kind: 'schema', field: 'goal_id', expected: 'g-other', found: GOAL });
  });

  it('reports a corrupt proof.json and leaves it untouched', async () => {
    await setup();
    const file = path.join(dir, 'proof.json');
    const corrupt = readFileSync(file, 'utf8').replace('"status": "ready"', '"status": 7').slice(0, -40);
    writeFileSync(file, corrupt);
    const before = statSync(file).mtimeMs;
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual([expect.objectContaining({ kind: 'schema', path: 'proof.json', field: '(file)' })]);
    expect(readFileSync(file, 'utf8')).toBe(corrupt);
    expect(statSync(file).mtimeMs).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('proof.json'))).toEqual(['proof.json']);
  });

  it('names the field of a schema problem', async () => {
    await setup();
    editProof((doc) => {
      (doc.budget.used as Record<string, unknown>).tokens = '40k';
    });
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report.mismatches).toEqual([expect.objectContaining({ kind: 'schema', field: 'budget.used.tokens' })]);
  });

  it('reports a missing proof.json', async () => {
    const report = await verifyProof({ goalDir: dir, goalId: GOAL });
    expect(report).toMatchObject({ ok: false, mismatches: [{ kind: 'artifact_missing', path: 'proof.json' }] });
  });
});

describe('writeProof: what it cannot vouch for', () => {
  it('moves an unparsable earlier proof.json aside instead of overwriting it', async () => {
    writeFileSync(path.join(dir, 'proof.json'), 'not json');
    const evidence = readyEvidence();
    writeGateArtifacts(evidence);
    writeFileSync(path.join(dir, 'events.jsonl'), '');
    const { artifacts: _a, events: _e, ...rest } = evidence;
    const result = await writeProof({ goalDir: dir, evidence: rest, generatedAt: AT });
    expect(result.movedAside).toMatch(/proof\.json\.corrupt-2025-03-01T12-00-00-000Z-[0-9a-f]{8}$/);
    expect(readFileSync(result.movedAside!, 'utf8')).toBe('not json');
    expect((await verifyProof({ goalDir: dir, goalId: GOAL })).ok).toBe(true);
  });

  it('turns a missing gate artifact and a broken event chain into infra failures', async () => {
    const evidence = readyEvidence();
    writeGateArtifacts(evidence);
    unlinkSync(path.join(dir, 'artifacts/gates/r4/stderr'));
    const events = makeEvents(3);
    events[1] = { ...events[1]!, ts: '1999-01-01T00:00:00.000Z' };
    writeFileSync(path.join(dir, 'events.jsonl'), events.map(envelopeLine).join(''));
    const { artifacts: _a, events: _e, ...rest } = evidence;
    const { proof } = await writeProof({ goalDir: dir, evidence: rest, generatedAt: AT });
    expect(proof.status).toBe('failed_infra');
    expect(proof.known_gaps).toEqual([
      expect.stringMatching(/^infrastructure failed: event-log: line 2: seq 2 was edited/),
      'infrastructure failed: artifacts: artifacts/gates/r4/stderr does not exist',
    ]);
  });
});
