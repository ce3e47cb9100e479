import { describe, expect, it } from 'vitest';
import { computeVerdict } from '../../../src/core/proof/verdict.js';
import { buildReviewWall, mergeReviewerOpinions } from '../../../src/core/review/wall.js';
import { HEAD, readyEvidence } from '../proof/fixtures.js';
import { gitDiff, type FileChange } from './helpers.js';

const AWS = ['AKIA', 'QX7Z3KDN2M4PL8RT'].join('');

const wallOf = (changes: FileChange[], required?: Parameters<typeof buildReviewWall>[0]['required']) =>
  buildReviewWall({
    diff: { unified: gitDiff(changes), files: changes.map((c) => ({ path: c.path, status: c.status ?? 'modified' })) },
    headSha: HEAD.sha,
    ...(required ? { required } : {}),
  });

const CLEAN: FileChange[] = [
  { path: 'src/limit.ts', removed: ['  return n;'], added: ['  return Math.min(n, 100);'] },
  { path: 'test/limit.test.ts', added: ["it('caps at 100', () => {", '  expect(limit(500)).toBe(100);', '});'] },
];

describe('buildReviewWall', () => {
  it('passes every covered section on a clean diff and leaves performance to a reviewer', () => {
    const { sections, findings } = wallOf(CLEAN);
    expect(findings).toEqual([]);
    expect(Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, [s.status, s.required]]))).toEqual({
      architect: ['pass', true],
      code: ['pass', true],
      tests: ['pass', true],
      security: ['pass', true],
      performance: ['not_run', false],
      anti_slop: ['pass', true],
    });
    expect(sections.security.evidence).toEqual(['secret scan: 4 added lines in 2 files, 0 findings']);
    expect(sections.security.reviewed_sha).toBe(HEAD.sha);
    expect(sections.performance.reviewed_sha).toBeNull();
  });

  it('maps each check into its section: fail → gap, warn → risk', () => {
    const { sections } = wallOf([
      { path: 'src/config.ts', start: 3, added: [`export const key = "${AWS}";`] },
      { path: 'test/old.test.ts', status: 'deleted', removed: ["it('x', () => {});"] },
      { path: 'src/limit.ts', added: ['  // TODO: burst support'] },
    ]);
    expect(sections.security).toMatchObject({ status: 'fail', gaps: ['src/config.ts:3: AWS access key id added'] });
    expect(sections.tests).toMatchObject({ status: 'fail', gaps: ['test/old.test.ts: a test file was deleted [hunk @@ -1,1 +0,0 @@]'] });
    expect(sections.anti_slop).toMatchObject({ status: 'warn', risks: ['src/limit.ts:1: a TODO/FIXME marker was added'], gaps: [] });
    expect(sections.architect.status).toBe('pass');
    expect(JSON.stringify(sections)).not.toContain(AWS);
  });

  it('feeds the verdict: a failing required section is one gap, a warning is none', () => {
    const { sections } = wallOf([{ path: 'src/config.ts', start: 3, added: [`export const key = "${AWS}";`, '// TODO later'] }]);
    const e = readyEvidence();
    e.reviews = sections;
    const v = computeVerdict(e);
    expect(v.status).toBe('not_ready');
    expect(v.known_gaps).toEqual(['required review `security` failed: src/config.ts:3: AWS access key id added']);
  });

  it('lets the controller require performance for a performance goal', () => {
    const { sections } = wallOf(CLEAN, { performance: true });
    const e = readyEvidence();
    e.reviews = sections;
    expect(computeVerdict(e).known_gaps).toEqual(['required review `performance` has not run']);
  });
});

describe('mergeReviewerOpinions', () => {
  const base = () => wallOf([{ path: 'src/config.ts', added: [`const key = "${AWS}";`] }, ...CLEAN]).sections;

  it('the worse status wins: a reviewer can fail a section, never pass a failed one', () => {
    const merged = mergeReviewerOpinions(base(), [
      { section: 'code', reviewer: 'kimi:k2', status: 'fail', notes: 'limit() ignores negative input', reviewed_sha: HEAD.sha },
      { section: 'security', reviewer: 'kimi:k2', status: 'pass', notes: 'looks fine', reviewed_sha: HEAD.sha },
    ]);
    expect(merged.code).toMatchObject({ status: 'fail', gaps: ['reviewer kimi:k2: limit() ignores negative input'] });
    expect(merged.security.status).toBe('fail');
    expect(merged.security.evidence).toContain('reviewer kimi:k2: looks fine');
  });

  it('fills a section no check covers', () => {
    const merged = mergeReviewerOpinions(base(), [
      { section: 'performance', reviewer: 'claude', status: 'warn', notes: 'O(n) scan per request', reviewed_sha: HEAD.sha, risks: ['hot path allocates'] },
    ]);
    expect(merged.performance).toEqual({
      status: 'warn',
      required: false,
      reviewed_sha: HEAD.sha,
      evidence: ['reviewer claude: O(n) scan per request'],
      risks: ['reviewer claude: hot path allocates'],
      gaps: [],
    });
  });

  it('does not count an opinion about another commit, and does not mutate its input', () => {
    const wall = base();
    const before = JSON.stringify(wall);
    const merged = mergeReviewerOpinions(wall, [{ section: 'code', reviewer: 'r', status: 'fail', notes: 'bad', reviewed_sha: '77'.repeat(20) }]);
    expect(merged.code.status).toBe('pass');
    expect(merged.code.risks).toEqual(['reviewer r reviewed 777777777777, not a1a1a1a1a1a1; opinion not counted']);
    expect(JSON.stringify(wall)).toBe(before);
  });
});
