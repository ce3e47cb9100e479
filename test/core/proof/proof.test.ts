import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/core/proof/evidence.js';
import { buildProof, evidenceFromProof, proofJsonText } from '../../../src/core/proof/proof.js';
import { parseGateResultText, parseProofText } from '../../../src/core/proof/proof-schema.js';
import { renderProofMarkdown } from '../../../src/core/proof/render-md.js';
import { computeVerdict } from '../../../src/core/proof/verdict.js';
import { evidenceArb } from './arbitraries.js';
import { gateRun, readyEvidence } from './fixtures.js';

const AT = '2025-03-01T12:00:00.000Z';

/** The same value with every object's keys in reverse order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
  }
  return value;
}

describe('buildProof', () => {
  it('has SPEC’s fields, in a fixed order', () => {
    const proof = buildProof(readyEvidence(), { generatedAt: AT });
    expect(Object.keys(proof)).toEqual([
      'version', 'goal_id', 'status', 'readiness', 'summary', 'generated_at', 'goal', 'base', 'head',
      'task_graph_summary', 'tasks', 'gates', 'reviews', 'oracle', 'budget', 'changed_files', 'commits',
      'known_gaps', 'human_decisions_required', 'human', 'external_blockers', 'infra_failures', 'artifacts', 'events',
    ]);
    expect(Object.keys(proof.reviews)).toEqual(['architect', 'code', 'tests', 'security', 'performance', 'anti_slop']);
    expect(proof.status).toBe('ready');
    expect(proof.task_graph_summary).toEqual({
      total: 2,
      required: 2,
      by_status: { pending: 0, running: 0, done: 2, failed: 0, blocked: 0, cancelled: 0, skipped: 0 },
    });
    expect(proof.tasks.map((t) => t.gates)).toEqual([['r1'], ['r2']]);
    expect(proof.changed_files).toEqual(['src/a.ts', 'src/b.ts']);
    expect(proof.summary).toBe('"add rate limiting to the API": 2 of 2 tasks done, 1 commit, 2 files changed, 4 of 4 gate runs passed.');
  });

  it('is byte-identical for the same evidence, whatever its key order', () => {
    const a = buildProof(readyEvidence(), { generatedAt: AT });
    const b = buildProof(reverseKeys(readyEvidence()), { generatedAt: AT });
    expect(proofJsonText(b)).toBe(proofJsonText(a));
    expect(renderProofMarkdown(b)).toBe(renderProofMarkdown(a));
    expect(proofJsonText(a).endsWith('}\n')).toBe(true);
  });

  it('property: same evidence, same bytes; and the verdict always re-derives from the file', () => {
    fc.assert(
      fc.property(evidenceArb, (e) => {
        const a = buildProof(e, { generatedAt: AT });
        const b = buildProof(reverseKeys(structuredClone(e)), { generatedAt: AT });
        expect(proofJsonText(b)).toBe(proofJsonText(a));
        expect(renderProofMarkdown(b)).toBe(renderProofMarkdown(a));
        const parsed = parseProofText(proofJsonText(a));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(computeVerdict(evidenceFromProof(parsed.value)).known_gaps).toEqual(a.known_gaps);
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips through the schema, and the verdict re-derives from the proof alone', () => {
    const e = readyEvidence();
    e.human.questions.push({ id: 'q1', question: 'Per IP?' });
    const proof = buildProof(e, { generatedAt: AT });
    const parsed = parseProofText(proofJsonText(proof));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toEqual(proof);
    const again = computeVerdict(evidenceFromProof(parsed.value));
    expect(again.status).toBe('blocked_on_human');
    expect(again.known_gaps).toEqual(proof.known_gaps);
    expect(again.readiness).toBe(proof.readiness);
  });

  it('redacts secrets before anything is written, and the verdict still re-derives', () => {
    const e = readyEvidence();
    e.goal.request = 'use key sk-proj-abcdefghijklmnopqrstuvwx for the API';
    e.human.decisions.push({ kind: 'reject', by: 'ana', at: AT, text: 'you committed API_KEY=abcd1234efgh5678' });
    const proof = buildProof(e, { generatedAt: AT });
    const text = proofJsonText(proof);
    expect(text).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(text).not.toContain('abcd1234efgh5678');
    expect(proof.known_gaps).toEqual([`rejected by ana at ${AT}: you committed API_KEY=[REDACTED]`]);
    expect(computeVerdict(evidenceFromProof(proof)).known_gaps).toEqual(proof.known_gaps);
  });

  it('throws on evidence that does not fit the schema (an omk bug)', () => {
    const e: Evidence = readyEvidence();
    e.gates[0] = { ...e.gates[0]!, stdout: { path: 'x', sha256: 'not-a-digest' } };
    expect(() => buildProof(e, { generatedAt: AT })).toThrow(/gates\.0\.stdout\.sha256/);
  });
});

describe('parseProofText', () => {
  const good = () => JSON.parse(proofJsonText(buildProof(readyEvidence(), { generatedAt: AT }))) as Record<string, unknown>;

  it('names the field, what was expected and what was found', () => {
    const doc = good();
    (doc.gates as Array<Record<string, unknown>>)[1]!.exit_code = 'zero';
    const r = parseProofText(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.path).toBe('gates[1].exit_code');
    expect(r.problems[0]!.message).toMatch(/number/);
    expect(r.problems[0]!.message).toContain('found "zero"');
  });

  it('reports a missing field and an unknown status', () => {
    const doc = good();
    delete doc.reviews;
    doc.status = 'done';
    const r = parseProofText(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path).sort()).toEqual(['reviews', 'status']);
  });

  it('reports invalid JSON without throwing', () => {
    const r = parseProofText('{"version": 1,');
    expect(r).toMatchObject({ ok: false, problems: [{ path: '(file)' }] });
  });

  it('keeps reading a proof with fields a newer omk added', () => {
    const doc = { ...good(), delivery: { pr: 12 } };
    expect(parseProofText(JSON.stringify(doc)).ok).toBe(true);
  });

  it('parses a gate result.json', () => {
    expect(parseGateResultText(JSON.stringify(gateRun({ run_id: 'r9', name: 'lint' }))).ok).toBe(true);
    const r = parseGateResultText(JSON.stringify({ ...gateRun({ run_id: 'r9', name: 'lint' }), scope: 'somewhere' }));
    expect(r).toMatchObject({ ok: false, problems: [{ path: 'scope' }] });
  });
});

describe('renderProofMarkdown', () => {
  it('puts the verdict first, then gaps, gates, tasks, reviews, budget, artifacts', () => {
    const e = readyEvidence();
    e.gates[2] = { ...e.gates[2]!, passed: false, exit_code: 1, command: 'npm test | tee out' };
    e.artifacts = [{ path: 'task-graph.json', sha256: 'f'.repeat(64) }];
    const md = renderProofMarkdown(buildProof(e, { generatedAt: AT }));
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Proof: goal g-0001');
    expect(lines[2]).toMatch(/^\*\*Status: `not_ready`\*\* — Not ready: oracle gate `test` failed/);
    const order = ['## Known gaps', '## Human decisions required', '## Oracle', '## Gates', '## Tasks', '## Reviews', '## Budget', '## Changes', '## Artifacts', '## Events'];
    const at = order.map((h) => lines.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md).toContain('- oracle gate `test` failed on head a1a1a1a1a1a1 (exit 1)');
    expect(md).toContain(`| task-graph.json | ${'f'.repeat(64)} |`);
    expect(md).toContain('### security: pass (required, reviewed `a1a1a1a1a1a1`)');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('escapes table cells', () => {
    const e = readyEvidence();
    e.tasks[0] = { ...e.tasks[0]!, title: 'a | b\nc' };
    const md = renderProofMarkdown(buildProof(e, { generatedAt: AT }));
    expect(md).toContain('| t1 | a \\| b c |');
  });
});
