import { describe, expect, it } from 'vitest';
import { REVIEWER_MARKER, reviewerPrompt, type ReviewerPromptInput } from '../../../src/core/goal/controller/prompts.js';
import { buildReviewWall } from '../../../src/core/review/wall.js';
import { HEAD } from '../proof/fixtures.js';
import { gitDiff } from './helpers.js';

const PATCH = gitDiff([{ path: 'src/limit.ts', removed: ['  return n;'], added: ['  return Math.min(n, 100);'] }]);
const input = (over: Partial<ReviewerPromptInput> = {}): ReviewerPromptInput => ({
  goalId: 'g-1',
  request: 'cap limit() at 100\nand test it',
  baseSha: '9a'.repeat(20),
  headSha: HEAD.sha,
  files: [{ status: 'M', path: 'src/limit.ts' }],
  patch: PATCH,
  ...over,
});

describe('reviewerPrompt', () => {
  it('gives the goal, the files, the whole diff and asks for a JSON opinion on each of the six sections', () => {
    const p = reviewerPrompt(input());
    expect(p.startsWith(`${REVIEWER_MARKER} for goal g-1, commit ${HEAD.sha}.`)).toBe(true);
    expect(p).toContain('> cap limit() at 100\n> and test it');
    expect(p).toContain('- M src/limit.ts');
    expect(p).toContain(`\`\`\`diff\n${PATCH.trimEnd()}\n\`\`\``);
    expect(p).toMatch(/read-only: do not edit/);
    for (const s of ['architect', 'code', 'tests', 'security', 'performance', 'anti_slop']) expect(p).toContain(`- ${s}: `);
    expect(p).toContain('"sections": {');
    expect(p).not.toContain('[omk: the diff is');
    expect(reviewerPrompt(input())).toBe(p);
  });

  it("shows what omk's checks found, so the reviewer judges the rest", () => {
    const checks = buildReviewWall({ diff: { unified: gitDiff([{ path: 'a.ts', added: ['<<<<<<< HEAD'] }]), files: [{ path: 'a.ts', status: 'modified' }] }, headSha: HEAD.sha }).sections;
    const p = reviewerPrompt(input({ checks }));
    expect(p).toMatch(/- code: fail — a\.ts:1: .*conflict marker/);
    expect(p).toContain('- performance: not_run — no deterministic performance check exists');
  });

  it('cuts a huge diff at a line boundary and says so', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `+line ${i} ${'x'.repeat(40)}`);
    const patch = `${lines.join('\n')}\n`;
    const p = reviewerPrompt(input({ patch, maxPatchChars: 1000 }));
    const shown = /```diff\n([\s\S]*?)\n```/.exec(p)![1]!;
    expect(shown.length).toBeLessThanOrEqual(1000);
    expect(patch.startsWith(`${shown}\n`)).toBe(true);
    expect(p).toContain(`[omk: the diff is ${patch.length - 1} characters; only the first ${shown.length} are shown. Read the changed files in your working directory for the rest.]`);
  });

  it('says when the diff is empty', () => {
    expect(reviewerPrompt(input({ files: [], patch: '' }))).toContain('0 file(s) changed:\n- (none: the diff is empty)');
  });
});
