import { describe, expect, it } from 'vitest';
import { buildProof, evidenceFromProof } from '../../../src/core/proof/proof.js';
import { renderProofMarkdown } from '../../../src/core/proof/render-md.js';
import { computeVerdict } from '../../../src/core/proof/verdict.js';
import { readyEvidence } from '../proof/fixtures.js';

const GENERATED = '2025-01-01T00:00:00.000Z';

describe("the proof's per-task budget section", () => {
  it('a task over its own limit makes the goal need more budget; the section round-trips through proof.json', () => {
    const evidence = readyEvidence();
    evidence.budget.per_task = [
      { task_id: 't1', limits: { tokens: 60_000, usd: null }, used: { tokens: 61_000, usd: 0.2 }, exceeded: { tokens: true, usd: false } },
      { task_id: 't2', limits: { tokens: 60_000, usd: null }, used: { tokens: 10_000, usd: 0.01 }, exceeded: { tokens: false, usd: false } },
    ];
    const verdict = computeVerdict(evidence);
    expect(verdict.status).toBe('needs_more_budget');
    expect(verdict.known_gaps).toContain('budget exceeded: task t1 tokens used 61000 of its 60000 per-task limit');
    expect(verdict.human_decisions_required).toContain('add budget or cancel: task t1 tokens exhausted (omk goal budget-add)');
    const proof = buildProof(evidence, { generatedAt: GENERATED });
    expect(proof.budget.per_task).toEqual(evidence.budget.per_task);
    // What `proof --verify` re-derives from the file is the same verdict.
    expect(computeVerdict(evidenceFromProof(proof)).status).toBe('needs_more_budget');
    expect(renderProofMarkdown(proof)).toContain('| t1 | 61000 | 60000 | 0.2 | no limit | tokens |');
  });

  it('tasks within their limits keep a ready goal ready; a proof without the section (older omk) is unchanged', () => {
    const evidence = readyEvidence();
    evidence.budget.per_task = [{ task_id: 't1', limits: { tokens: 60_000, usd: 1 }, used: { tokens: 60_000, usd: 1 }, exceeded: { tokens: false, usd: false } }];
    expect(computeVerdict(evidence).status).toBe('ready');
    const plain = buildProof(readyEvidence(), { generatedAt: GENERATED });
    expect('per_task' in plain.budget).toBe(false);
    expect(renderProofMarkdown(plain)).not.toContain('Per task');
  });
});
