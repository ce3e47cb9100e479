import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches, inWriteScope } from '../../../src/core/goal/task-graph/globs.js';
import { globsMayOverlap } from '../../../src/core/goal/task-graph/overlap.js';

// [a, b, may overlap]
const TABLE: Array<[string, string, boolean]> = [
  ['src/**', 'src/a.ts', true],
  ['src/*.ts', 'src/x/y.ts', false],
  ['**/*.md', 'docs/a.md', true],
  ['lib/**', 'test/**', false],
  ['src/*.ts', 'src/a.ts', true],
  ['src/*.ts', 'src/*.md', false],
  ['src/**/*.ts', 'src/deep/x/y.ts', true],
  ['src/**/*.ts', 'src/deep/x/y.js', false],
  ['src/a*', 'src/b*', false],
  ['src/a*', 'src/ab*', true],
  ['src/*.test.ts', 'src/*.ts', true],
  ['**', '.github/workflows/ci.yml', true],
  ['src', 'src/a.ts', true], // a bare path covers the directory below it
  ['src/a.ts', 'src/a.ts', true],
  ['src/a.ts', 'src/b.ts', false],
  ['src/', 'src/x/y.ts', true],
  ['./src/a.ts', 'src/a.ts', true],
  ['src/{a,b}/**', 'src/b/c.ts', true],
  ['src/{a,b}/**', 'src/c/d.ts', false],
  ['docs/*.md', 'src/**/*.md', false],
  ['**/test/**', 'packages/x/test/a.ts', true],
  ['**/test/**', 'packages/x/src/a.ts', false],
  ['src/[ab].ts', 'src/c.ts', false],
  ['src/[ab].ts', 'src/*.ts', true],
  ['src/?.ts', 'src/ab.ts', false],
  ['src/@(a|b)/x.ts', 'src/c/x.ts', false],
  ['src/**', 'srcx/a.ts', false],
  ['a/**/b', 'a/b', true],
  ['*.md', 'README.md', true],
  ['*.md', 'docs/README.md', false],
];

describe('glob overlap', () => {
  it.each(TABLE)('%s vs %s → %s', (a, b, expected) => {
    expect(globsMayOverlap(a, b)).toBe(expected);
    expect(globsMayOverlap(b, a)).toBe(expected);
  });

  it('errs towards overlap when brace expansion would explode', () => {
    const many = `{${Array.from({ length: 9 }, (_, i) => `a${i}`).join(',')}}`;
    expect(globsMayOverlap(`${many}/${many}/${many}`, 'zzz/q.ts')).toBe(true);
  });

  it('errs towards overlap for an extglob spanning a slash', () => {
    expect(globsMayOverlap('@(a/b|c)/x', 'zzz/q.ts')).toBe(true);
  });

  // Soundness: whenever some path matches both globs, the analysis must say "overlap".
  const seg = fc.constantFrom('src', 'lib', 'a', 'b', 'x.ts', 'y.md', '.git', 'test');
  const globSeg = fc.constantFrom('src', 'lib', 'a', 'b', 'x.ts', '*', '**', '*.ts', '*.md', 'a*', '?', '{a,b}', '[ab]', 'test', '.*');
  const glob = fc.array(globSeg, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  const path = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));

  it('never misses a real overlap (property)', () => {
    fc.assert(
      fc.property(glob, glob, fc.array(path, { minLength: 1, maxLength: 12 }), (a, b, paths) => {
        if (paths.some((p) => globMatches(a, p) && globMatches(b, p))) expect(globsMayOverlap(a, b)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('is symmetric (property)', () => {
    fc.assert(fc.property(glob, glob, (a, b) => globsMayOverlap(a, b) === globsMayOverlap(b, a)), { numRuns: 300 });
  });
});

describe('write scope', () => {
  it('protected paths are never in scope, even under **', () => {
    expect(inWriteScope('src/a.ts', ['**'])).toBe(true);
    expect(inWriteScope('.git/config', ['**'])).toBe(false);
    expect(inWriteScope('.omk/omk.db', ['**'])).toBe(false);
    expect(inWriteScope('vendor/x/.git/HEAD', ['**'])).toBe(false);
    expect(inWriteScope('.github/workflows/ci.yml', ['**'])).toBe(true);
  });

  it('a bare path covers itself and what is under it', () => {
    expect(inWriteScope('src/a.ts', ['src'])).toBe(true);
    expect(inWriteScope('srcx/a.ts', ['src'])).toBe(false);
    expect(inWriteScope('src/a.ts', ['src/*.md'])).toBe(false);
  });
});
