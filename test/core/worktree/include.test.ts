import { describe, expect, it } from 'vitest';
import { excludeLineFor, formatIncludeProblem, isIncluded, mayIncludeUnder, parseInclude } from '../../../src/core/worktree/include.js';

const patternsOf = (text: string) => {
  const parsed = parseInclude(text);
  expect(parsed.problems).toEqual([]);
  return parsed.patterns;
};

describe('parseInclude', () => {
  it('skips comments and blank lines and keeps line numbers', () => {
    const parsed = parseInclude('# local files\n\n.env\r\n  config/local.json  \n!config/prod.json\ncache/\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.patterns.map((p) => [p.line, p.text, p.negated, p.dirOnly])).toEqual([
      [3, '.env', false, false],
      [4, 'config/local.json', false, false],
      [5, '!config/prod.json', true, false],
      [6, 'cache/', false, true],
    ]);
  });

  it.each([
    ['../secrets/.env', '".." would reach outside the repository'],
    ['config/../../x', '".." would reach outside the repository'],
    ['/etc/passwd', 'absolute paths are refused'],
    ['C:/Users/me/.env', 'absolute paths are refused'],
    ['~/.aws/credentials', 'absolute paths are refused'],
    ['config\\local.json', 'backslashes are not supported'],
    ['.git/config', '.git is never copied'],
    ['sub/.omk/state', '.omk is never copied'],
    ['a**/b', '"**" must be a whole path segment'],
    ['file[ab', 'unclosed "["'],
    ['!', 'names no path'],
  ])('refuses %s', (pattern, message) => {
    const parsed = parseInclude(`.env\n${pattern}\n`);
    expect(parsed.patterns.map((p) => p.text)).toEqual(['.env']);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ line: 2, pattern });
    expect(parsed.problems[0]!.message).toContain(message);
  });

  it('formats a problem with the file and line', () => {
    const [problem] = parseInclude('\n../x\n').problems;
    expect(formatIncludeProblem('.omk/worktree-include', problem!)).toMatch(/^\.omk\/worktree-include:2: "\.\.\/x": "\.\." would reach outside/);
  });
});

describe('isIncluded', () => {
  it('anchors every pattern at the repository root', () => {
    const p = patternsOf('.env\n');
    expect(isIncluded(p, '.env', false)).toBe(true);
    expect(isIncluded(p, 'sub/.env', false)).toBe(false);
  });

  it('matches * and ? within one segment, ** across segments', () => {
    const p = patternsOf('config/*.local.json\n**/.env.?\n');
    expect(isIncluded(p, 'config/db.local.json', false)).toBe(true);
    expect(isIncluded(p, 'config/nested/db.local.json', false)).toBe(false);
    expect(isIncluded(p, '.env.1', false)).toBe(true);
    expect(isIncluded(p, 'a/b/.env.x', false)).toBe(true);
    expect(isIncluded(p, 'a/b/.env.xy', false)).toBe(false);
  });

  it('supports character classes, negated ones too', () => {
    const p = patternsOf('key[0-9].pem\nx[!a].txt\n');
    expect(isIncluded(p, 'key7.pem', false)).toBe(true);
    expect(isIncluded(p, 'keyx.pem', false)).toBe(false);
    expect(isIncluded(p, 'xb.txt', false)).toBe(true);
    expect(isIncluded(p, 'xa.txt', false)).toBe(false);
  });

  it('brings everything under a matched directory; a trailing / matches directories only', () => {
    const p = patternsOf('secrets/\n');
    expect(isIncluded(p, 'secrets/a/b.key', false)).toBe(true);
    expect(isIncluded(p, 'secrets', false)).toBe(false);
    expect(isIncluded(p, 'secrets', true)).toBe(true);
  });

  it('lets the last matching line win, so ! takes paths back out', () => {
    const p = patternsOf('config/\n!config/prod.json\n');
    expect(isIncluded(p, 'config/dev.json', false)).toBe(true);
    expect(isIncluded(p, 'config/prod.json', false)).toBe(false);
  });

  it('never includes .git or .omk, whatever the pattern', () => {
    const p = patternsOf('**\n');
    expect(isIncluded(p, 'src/a.ts', false)).toBe(true);
    expect(isIncluded(p, '.git/config', false)).toBe(false);
    expect(isIncluded(p, 'vendor/lib/.git/HEAD', false)).toBe(false);
    expect(isIncluded(p, '.omk/omk.db', false)).toBe(false);
  });

  it('includes nothing without patterns', () => {
    expect(isIncluded([], '.env', false)).toBe(false);
  });
});

describe('mayIncludeUnder', () => {
  it('descends only where a pattern can match', () => {
    const p = patternsOf('config/local/*.json\n!node_modules/\n');
    expect(mayIncludeUnder(p, 'config')).toBe(true);
    expect(mayIncludeUnder(p, 'config/local')).toBe(true);
    expect(mayIncludeUnder(p, 'config/other')).toBe(false);
    expect(mayIncludeUnder(p, 'node_modules')).toBe(false);
    expect(mayIncludeUnder(p, 'src')).toBe(false);
  });

  it('descends everywhere for ** (but never into .git or .omk)', () => {
    const p = patternsOf('**/.env\n');
    expect(mayIncludeUnder(p, 'a/b/c')).toBe(true);
    expect(mayIncludeUnder(p, '.git')).toBe(false);
    expect(mayIncludeUnder(p, '.omk')).toBe(false);
  });

  it('descends into a directory a pattern matches whole', () => {
    expect(mayIncludeUnder(patternsOf('certs\n'), 'certs')).toBe(true);
  });
});

describe('excludeLineFor', () => {
  it('anchors the path and escapes glob characters', () => {
    expect(excludeLineFor('.env')).toBe('/.env');
    expect(excludeLineFor('config/a*b?[c].json')).toBe('/config/a\\*b\\?\\[c\\].json');
    expect(excludeLineFor('node_modules/')).toBe('/node_modules/');
    expect(excludeLineFor('trailing ')).toBe('/trailing\\ ');
  });
});
