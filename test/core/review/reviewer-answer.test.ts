import { describe, expect, it } from 'vitest';
import { computeVerdict } from '../../../src/core/proof/verdict.js';
import { parseReviewerAnswer } from '../../../src/core/review/reviewer-answer.js';
import { applyReviewerTurn } from '../../../src/core/review/reviewer-wall.js';
import { buildReviewWall } from '../../../src/core/review/wall.js';
import { HEAD, readyEvidence } from '../proof/fixtures.js';
import { gitDiff } from './helpers.js';

const WHO = { reviewer: 'kimi:k2', reviewedSha: HEAD.sha };
const AWS = ['AKIA', 'QX7Z3KDN2M4PL8RT'].join('');
const pass = { status: 'pass', notes: 'fine' };
const ALL_PASS = { architect: pass, code: pass, tests: pass, security: pass, performance: pass, anti_slop: pass };

const parse = (text: string) => parseReviewerAnswer(text, WHO);
const statuses = (text: string) => {
  const r = parse(text);
  return r.ok ? Object.fromEntries(r.value.opinions.map((o) => [o.section, o.status])) : r.problem;
};

describe('parseReviewerAnswer', () => {
  it('reads a ```json fence among prose, one opinion per section, on the reviewed commit', () => {
    const text = `Here is my review {of sorts}.\n\n\`\`\`json\n${JSON.stringify({ sections: { ...ALL_PASS, code: { status: 'fail', notes: 'off by one', evidence: ['read limit.ts'], risks: [], gaps: ['limit(100) returns 99'] } } })}\n\`\`\`\nThanks!`;
    const r = parse(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.missing).toEqual([]);
    expect(r.value.opinions).toHaveLength(6);
    expect(r.value.opinions[1]).toEqual({
      section: 'code',
      reviewer: 'kimi:k2',
      status: 'fail',
      notes: 'off by one',
      reviewed_sha: HEAD.sha,
      evidence: ['read limit.ts'],
      gaps: ['limit(100) returns 99'],
    });
  });

  it('finds bare JSON after prose that holds braces of its own, and takes the sections at the top level too', () => {
    const text = `I checked that \`f({a})\` still works. Verdict: ${JSON.stringify({ code: { status: 'warn', notes: 'a "quoted } brace"' } })} done.`;
    expect(statuses(text)).toEqual({ code: 'warn' });
  });

  it('accepts a list of entries, section names in any case or spelling, and status words models like to use', () => {
    const text = JSON.stringify([
      { section: 'Anti-Slop', status: 'PASSED', notes: 'x' },
      { name: 'security', verdict: 'Warning', summary: 'y' },
      { section: 'tests', status: 'failed', gaps: 'no test for the new branch' },
    ]);
    const r = parse(text);
    expect(statuses(text)).toEqual({ anti_slop: 'pass', security: 'warn', tests: 'fail' });
    if (!r.ok) return;
    expect(r.value.opinions.find((o) => o.section === 'tests')).toMatchObject({ notes: '(no notes given)', gaps: ['no test for the new branch'] });
    expect(r.value.opinions.find((o) => o.section === 'security')!.notes).toBe('y');
  });

  it('a section with an unknown status or left out is missing, with why', () => {
    const r = parse(JSON.stringify({ sections: { code: { status: 'looks ok' }, tests: pass } }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.opinions.map((o) => o.section)).toEqual(['tests']);
    expect(r.value.missing).toContainEqual({ section: 'code', why: 'its status "looks ok" is not pass, warn or fail' });
    expect(r.value.missing).toContainEqual({ section: 'performance', why: 'the answer gave no opinion on this section' });
  });

  it('garbage is a problem, never an opinion', () => {
    expect(parse('LGTM, ship it!')).toEqual({ ok: false, problem: 'the answer holds no JSON verdict' });
    expect(parse('   ')).toEqual({ ok: false, problem: 'the answer was empty' });
    expect(parse('{"verdict": "pass"} and [1, 2]')).toEqual({ ok: false, problem: 'its JSON names none of the six sections' });
    expect(parse('```json\n{"sections": {"code": {"status": "fail", }}}\n```')).toEqual({ ok: false, problem: 'the answer holds no JSON verdict' });
    const r = parse(JSON.stringify({ sections: { code: { status: 'n/a' } } }));
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.problem).toMatch(/^no section had a readable opinion \(architect: the answer gave no opinion.*code: its status "n\/a"/);
  });

  it('redacts secrets, flattens and caps what it keeps', () => {
    const long = 'x'.repeat(5000);
    const r = parse(JSON.stringify({ sections: { security: { status: 'fail', notes: `key ${AWS} is\ncommitted`, gaps: Array.from({ length: 50 }, (_, i) => `gap ${i}`), risks: [long] } } }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const o = r.value.opinions[0]!;
    expect(o.notes).not.toContain(AWS);
    expect(o.notes).toMatch(/^key \S+ is committed$/);
    expect(o.gaps).toHaveLength(20);
    expect(o.risks![0]!.length).toBe(1000);
  });

  it('gives up scanning prose full of unclosed braces quickly', () => {
    expect(parse('{'.repeat(20_000))).toEqual({ ok: false, problem: 'the answer holds no JSON verdict' });
  });
});

describe('applyReviewerTurn', () => {
  const wall = (added: string[] = ['  return Math.min(n, 100);']) =>
    buildReviewWall({ diff: { unified: gitDiff([{ path: 'src/limit.ts', added }]), files: [{ path: 'src/limit.ts', status: 'modified' }] }, headSha: HEAD.sha }).sections;
  const answered = (text: string) => {
    const r = parse(text);
    if (!r.ok) throw new Error(r.problem);
    return { outcome: 'answered' as const, reviewer: WHO.reviewer, answer: r.value, warnings: [] };
  };

  it("a reviewer's fail on code fails the section and the verdict names its gap", () => {
    const sections = applyReviewerTurn(wall(), answered(JSON.stringify({ sections: { ...ALL_PASS, code: { status: 'fail', notes: 'n', gaps: ['limit() ignores negatives'] } } })));
    expect(sections.code).toMatchObject({ status: 'fail', gaps: ['reviewer kimi:k2: limit() ignores negatives'] });
    expect(sections.performance).toMatchObject({ status: 'pass', reviewed_sha: HEAD.sha, gaps: [] });
    const verdict = computeVerdict({ ...readyEvidence(), reviews: sections });
    expect(verdict.status).toBe('not_ready');
    expect(verdict.known_gaps).toContain('required review `code` failed: reviewer kimi:k2: limit() ignores negatives');
  });

  it("a reviewer's pass never overturns a check's fail", () => {
    const failing = wall(['<<<<<<< HEAD']);
    expect(failing.code.status).toBe('fail');
    const sections = applyReviewerTurn(failing, answered(JSON.stringify({ sections: ALL_PASS })));
    expect(sections.code.status).toBe('fail');
    expect(sections.code.gaps[0]).toMatch(/conflict marker/);
  });

  it('a reviewer that did not run or could not be read leaves the checks in charge and a risk in every section', () => {
    const before = wall();
    for (const outcome of ['not_run', 'unreadable'] as const) {
      const sections = applyReviewerTurn(before, { outcome, reviewer: 'kimi', detail: 'why', warnings: ['changed a.txt although it was read-only; omk discarded the changes'] });
      for (const [name, s] of Object.entries(sections)) {
        expect(s.status).toBe(before[name as keyof typeof before].status);
        expect(s.risks).toEqual([
          `reviewer kimi ${outcome === 'not_run' ? 'did not run' : 'answer unreadable'}: why; only omk's checks judged this section`,
          'reviewer kimi: changed a.txt although it was read-only; omk discarded the changes',
        ]);
      }
      expect(sections.performance.status).toBe('not_run');
      expect(sections.performance.gaps).toEqual(before.performance.gaps);
    }
    expect(before.code.risks).toEqual([]); // pure: the input wall is untouched
  });

  it('a section the answer skipped keeps the checks’ status with a risk saying so', () => {
    const sections = applyReviewerTurn(wall(), answered(JSON.stringify({ code: pass })));
    expect(sections.code.risks).toEqual([]);
    expect(sections.tests.risks).toEqual(["reviewer kimi:k2 gave no readable opinion (the answer gave no opinion on this section); only omk's checks judged this section"]);
    expect(sections.performance.status).toBe('not_run');
  });
});
