import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractProposals, PROPOSAL_MARKER } from '../../../src/core/goal/proposals/extract.js';
import { proposalsFromMessage, validateProposals } from '../../../src/core/goal/proposals/validate.js';
import type { TaskStatus } from '../../../src/core/store/types.js';
import { validateTaskGraph } from '../../../src/core/goal/task-graph/validate.js';
import { graph, task } from './fixtures.js';

const M = PROPOSAL_MARKER;

describe('proposal extraction', () => {
  it('finds a JSON object after the marker in prose', () => {
    const text = `Done. Tests pass.\n\n${M} {"id": "add-docs", "title": "Docs"}\nThanks!`;
    expect(extractProposals(text)).toEqual({ proposals: [{ offset: text.indexOf(M), value: { id: 'add-docs', title: 'Docs' } }], malformed: [] });
  });

  it('handles braces, brackets, quotes and markers inside strings', () => {
    const value = { id: 'x', description: `use {a: [1, "}"]} and \\" and ${M} {"no": 1}`, nested: { deep: [{ a: '{' }] } };
    const text = `noise { not json ${M}\n${JSON.stringify(value)} trailing }`;
    const r = extractProposals(text);
    expect(r.proposals.map((p) => p.value)).toEqual([value]);
    expect(r.malformed).toEqual([]);
  });

  it('reads a fenced block and an array of proposals', () => {
    const text = `${M}\n\`\`\`json\n[{"id": "a"}, {"id": "b"}]\n\`\`\``;
    expect(extractProposals(text).proposals.map((p) => p.value.id)).toEqual(['a', 'b']);
  });

  it('takes the first object after prose following the marker', () => {
    expect(extractProposals(`${M} here it is: {"id": "a"}`).proposals.map((p) => p.value.id)).toEqual(['a']);
  });

  it('keeps going past garbage: each marker yields a proposal or a reason', () => {
    const text = [
      `${M} {"id": "one"}`,
      `${M} nothing here`,
      `${M} {"id": "bad", }`,
      `${M} {"id": "open"`,
      `${M} [1, 2]`,
      `${M} {"id": "two"}`,
    ].join('\n');
    const r = extractProposals(text);
    expect(r.proposals.map((p) => p.value.id)).toEqual(['one', 'two']);
    expect(r.malformed.map((m) => m.reason)).toEqual([
      'no JSON object after the marker',
      expect.stringMatching(/^invalid JSON: /),
      'the JSON never closes',
      'expected a JSON object',
      'expected a JSON object',
    ]);
  });

  it('reports an object that never closes and bounds size and count', () => {
    expect(extractProposals(`${M} {"id": "a", "d": "}`).malformed[0]?.reason).toBe('the JSON never closes');
    expect(extractProposals(`${M} {"id": [1}`).malformed[0]?.reason).toBe('mismatched "}"');
    expect(extractProposals(`${M} {"d": "${'x'.repeat(100)}"}`, { maxJsonLength: 50 }).malformed[0]?.reason).toMatch(/longer than 50/);
    const many = Array.from({ length: 4 }, (_, i) => `${M} {"id": "t${i}"}`).join('\n');
    const r = extractProposals(many, { maxProposals: 2 });
    expect(r.proposals).toHaveLength(2);
    expect(r.malformed).toHaveLength(2);
  });

  it('never throws and finds every embedded proposal in arbitrary text (property)', () => {
    const proposal = fc.record({ id: fc.string(), description: fc.string() });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), proposal), { maxLength: 4 }), fc.string(), (parts, tail) => {
        // Prose without the marker's letters can still hold braces and quotes.
        const prose = (s: string) => s.replace(/OMK_TASK_PROPOSAL:/g, '');
        const text = parts.map(([p, v]) => `${prose(p)}\n${M} ${JSON.stringify(v)}\n`).join('') + prose(tail);
        const r = extractProposals(text);
        expect(r.proposals.map((p) => p.value)).toEqual(parts.map(([, v]) => v));
      }),
      { numRuns: 200 },
    );
  });
});

const base = graph([
  task('api', { write_set: ['src/api/**'] }),
  task('ui', { write_set: ['src/ui/**'] }),
  task('old', { write_set: ['src/old/**'] }),
  task('dead', { write_set: ['src/dead/**'] }),
]);
const statuses = new Map<string, TaskStatus>([
  ['api', 'done'],
  ['ui', 'leased'],
  ['old', 'done'],
  ['dead', 'failed'],
]);
const ctx = { statuses, knownGates: ['test'] };
const proposal = (over: Record<string, unknown>) => ({ id: 'follow-up', title: 'Follow up', description: 'Do more.', acceptance: ['tests pass'], write_set: ['src/extra/**'], ...over });

describe('proposal validation', () => {
  it('accepts a sound proposal and appends it to the graph', () => {
    const r = validateProposals(base, [proposal({ dependencies: ['api'], gates: ['test'] })], ctx);
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toEqual([expect.objectContaining({ id: 'follow-up', depends_on: ['api'], role: 'executor', max_retries: 2 })]);
    expect(r.graph.tasks.map((t) => t.id)).toEqual(['api', 'ui', 'old', 'dead', 'follow-up']);
    expect(validateTaskGraph(r.graph, { knownGates: ['test'] })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['schema', { write_set: 'src/**' }, 'proposals[0].write_set'],
    ['empty_acceptance', { acceptance: undefined }, 'proposals[0].acceptance'],
    ['invalid_id', { id: 'Follow Up' }, 'proposals[0].id'],
    ['id_exists', { id: 'api' }, 'proposals[0].id'],
    ['publish_forbidden', { description: 'Then run npm publish to release it.' }, 'proposals[0]'],
    ['publish_forbidden', { title: 'Push the branch to origin' }, 'proposals[0]'],
    ['protected_path', { write_set: ['.github/workflows/release.yml'] }, 'proposals[0].write_set[0]'],
    ['protected_path', { write_set: ['.gitignore'] }, 'proposals[0].write_set[0]'],
    ['path_escapes_repo', { write_set: ['../x'] }, 'proposals[0].write_set[0]'],
    ['missing_dependency', { depends_on: ['ghost'] }, 'proposals[0].depends_on[0]'],
    ['self_dependency', { depends_on: ['follow-up'] }, 'proposals[0].depends_on[0]'],
    ['dependency_unusable', { depends_on: ['dead'] }, 'proposals[0].depends_on[0]'],
    ['unknown_gate', { gates: ['deploy'] }, 'proposals[0].gates[0]'],
    ['write_overlap', { write_set: ['src/ui/button.tsx'] }, 'proposals[0].write_set'],
  ])('rejects with %s', (code, over, path) => {
    const r = validateProposals(base, [proposal(over)], ctx);
    expect(r.accepted).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
  });

  it('allows writing where a done task wrote, or where a task it depends on writes', () => {
    expect(validateProposals(base, [proposal({ write_set: ['src/old/**'] })], ctx).rejected).toEqual([]);
    expect(validateProposals(base, [proposal({ write_set: ['src/ui/**'], depends_on: ['ui'] })], ctx).rejected).toEqual([]);
  });

  it('is not fooled by ordinary uses of "push" and "publish"', () => {
    const r = validateProposals(base, [proposal({ description: 'Publish an event on the bus and push the item onto the queue.' })], ctx);
    expect(r.rejected).toEqual([]);
  });

  it('validates a batch in order: later proposals may depend on earlier ones; duplicates and conflicts are rejected', () => {
    const r = validateProposals(
      base,
      [
        proposal({ id: 'first', write_set: ['src/new/**'] }),
        proposal({ id: 'first', write_set: ['src/other/**'] }),
        proposal({ id: 'second', write_set: ['src/new/a.ts'], depends_on: ['first'] }),
        proposal({ id: 'third', write_set: ['src/new/b.ts'] }),
        'not an object',
      ],
      ctx,
    );
    expect(r.accepted.map((t) => t.id)).toEqual(['first', 'second']);
    expect(r.rejected.map((x) => [x.index, x.problems.map((p) => p.code)])).toEqual([
      [1, ['duplicate_id']],
      [3, ['write_overlap']],
      [4, ['schema']],
    ]);
    expect(r.rejected[1]!.problems[0]!.message).toContain('"first" (proposed earlier in this message');
  });

  it('respects the task bound and reports every reason', () => {
    const r = validateProposals(base, [proposal({ id: 'api', title: '', write_set: ['.git/x'] })], { ...ctx, maxTasks: 4 });
    expect(r.rejected[0]!.problems.map((p) => p.code).sort()).toEqual(['empty_title', 'id_exists', 'protected_path', 'too_many_tasks']);
  });
});

describe('proposals from a message', () => {
  it('extracts, validates and reports malformed markers as problems', () => {
    const text = [
      'All done; gates are green.',
      `${M} {"id": "add-docs", "title": "Document the flag", "description": "Explain --json in docs/cli.md", "acceptance": ["docs build"], "write_set": ["docs/cli.md"]}`,
      `${M} {"id": "ship", "title": "Ship it", "description": "git push origin main", "acceptance": ["pushed"]}`,
      `${M} oops {`,
    ].join('\n');
    const r = proposalsFromMessage(text, base, ctx);
    expect(r.accepted.map((t) => t.id)).toEqual(['add-docs']);
    expect(r.rejected.map((x) => x.problems.map((p) => p.code))).toEqual([['publish_forbidden']]);
    expect(r.malformed).toEqual([expect.objectContaining({ code: 'malformed_proposal', path: `message@${text.lastIndexOf(M)}` })]);
    expect(r.malformed[0]!.message).toContain('the JSON never closes');
  });
});
