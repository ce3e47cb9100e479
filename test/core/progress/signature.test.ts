import { describe, expect, it } from 'vitest';
import { failureSignature, normalizeFailureOutput } from '../../../src/core/progress/index.js';

const vitestRun = (o: { tmp: string; wt: string; ms: string; line: number; at: string; sha: string; pid: number; expected: string }) => `
\u001b[1m\u001b[46m RUN \u001b[49m\u001b[22m v4.1.12 ${o.wt}

 ❯ test/rate-limit.test.ts (3 tests | 1 failed) ${o.ms}
   × limits to 10 requests per second ${o.ms}
 FAIL  test/rate-limit.test.ts > limits to 10 requests per second
AssertionError: expected 200 to be ${o.expected}
 ❯ test/rate-limit.test.ts:${o.line}:20
 ❯ ${o.wt}/src/limiter.ts:${o.line + 3}:7
 cache dir ${o.tmp}/cache/index.json
 worker pid ${o.pid} started at ${o.at}, commit ${o.sha}
 Test Files  1 failed (1)
      Tests  1 failed | 2 passed (3)
   Start at  ${o.at.slice(11, 19)}
   Duration  ${o.ms} (transform 45ms, setup 0ms, collect 1.2s)
`;

const base = {
  tmp: '/tmp/vitest-a8Kx2q',
  wt: '/home/u/repo/.omk/worktrees/g-7f3a/task-2',
  ms: '1.52s',
  line: 42,
  at: '2025-03-04T10:11:12.345Z',
  sha: '3f9c2a1b7e',
  pid: 4121,
  expected: '429',
};

describe('failureSignature', () => {
  it('equates outputs that differ only in timings, paths, ids, line numbers and timestamps', () => {
    const other = {
      tmp: '/private/var/folders/xy/z1q/T/vitest-Zz91',
      wt: '/srv/other/.omk/worktrees/g-0001/task-2',
      ms: '987ms',
      line: 57,
      at: '2026-11-30T23:59:01Z',
      sha: 'ab12cd34ef56ab12',
      pid: 77,
      expected: '429',
    };
    expect(failureSignature(vitestRun(other))).toBe(failureSignature(vitestRun(base)));
    expect(failureSignature(vitestRun({ ...base, tmp: '/tmp/tmp.XYZ123', ms: '2m3s' }))).toBe(failureSignature(vitestRun(base)));
  });

  it('distinguishes different assertions and different failing tests', () => {
    const sig = failureSignature(vitestRun(base));
    expect(failureSignature(vitestRun(base).replace('to be 429', 'to equal 429'))).not.toBe(sig);
    expect(failureSignature(vitestRun(base).replace('limits to 10 requests per second', 'resets the window'))).not.toBe(sig);
    expect(failureSignature('Error: Cannot find module "express"')).not.toBe(failureSignature('Error: Cannot find module "fastify"'));
    expect(failureSignature('TypeError: x is undefined')).not.toBe(failureSignature('TypeError: y is undefined'));
  });

  it('ignores the order lines came in (parallel runners) and colour codes', () => {
    expect(failureSignature('FAIL a.test.ts\nFAIL b.test.ts')).toBe(failureSignature('\u001b[31mFAIL b.test.ts\u001b[0m\nFAIL a.test.ts\n'));
  });

  it('drops the partial first line of a clipped tail', () => {
    const one = '[… 5120 characters cut …]\nst line cut in the middle\nAssertionError: boom';
    const two = '[… 98 characters cut …]\nsomething else entirely\nAssertionError: boom';
    expect(failureSignature(one)).toBe(failureSignature(two));
    expect(failureSignature('xyz partial\nAssertionError: boom', { partialFirstLine: true })).toBe(failureSignature(one));
  });

  it('replaces given paths', () => {
    expect(normalizeFailureOutput('at /work/repo/src/a.ts:3:4', { paths: ['/work/repo'] })).toEqual(['at <path>/src/a.ts:<n>:<n>']);
  });

  it('normalises as documented', () => {
    expect(
      normalizeFailureOutput(
        [
          'id 123e4567-e89b-12d3-a456-426614174000 at 2025-01-02 03:04:05 took 12ms then 1m30s',
          'sha deadbeef12 addr 0x7ffe tmp /tmp/abc/file.ts:3',
          '   ',
          'C:\\Users\\me\\AppData\\Local\\Temp\\xyz123\\f.js failed in 3 seconds',
        ].join('\r\n'),
      ),
    ).toEqual([
      'id <id> at <time> took <dur> then <dur>',
      'sha <hex> addr <hex> tmp <tmp>/file.ts:<n>',
      '<tmp>\\f.js failed in <dur>',
    ]);
  });

  it('is 16 hex digits', () => {
    expect(failureSignature('x')).toMatch(/^[0-9a-f]{16}$/);
  });
});
