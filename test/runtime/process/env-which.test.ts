import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowlistEnv, whichSync } from '../../../src/runtime/process/index.js';
import { tempDir } from './helpers.js';

describe('allowlistEnv', () => {
  const source = { PATH: '/bin', HOME: '/h', GITHUB_TOKEN: 'secret', KIMI_API_KEY: 'k', KIMI_HOME: '/k', FOO: 'f', LANG: undefined };

  it('keeps the base names and drops everything else', () => {
    expect(allowlistEnv(source, [])).toEqual({ PATH: '/bin', HOME: '/h' });
  });

  it('adds exact names, prefix names and extras (extras win)', () => {
    expect(allowlistEnv(source, ['FOO', 'KIMI_*'], { HOME: '/other', NEW: '1' })).toEqual({
      PATH: '/bin',
      HOME: '/other',
      FOO: 'f',
      KIMI_API_KEY: 'k',
      KIMI_HOME: '/k',
      NEW: '1',
    });
  });
});

describe('whichSync', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const bin = path.join(tmp.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'tool'), '#!/bin/sh\n');
  chmodSync(path.join(bin, 'tool'), 0o755);
  writeFileSync(path.join(bin, 'plain'), 'not executable');
  mkdirSync(path.join(bin, 'dir'));

  it('finds an executable on PATH', () => {
    expect(whichSync('tool', { PATH: `/nonexistent:${bin}` })).toBe(path.join(bin, 'tool'));
  });

  it('ignores files without the execute bit, directories and missing names', () => {
    expect(whichSync('plain', { PATH: bin })).toBeUndefined();
    expect(whichSync('dir', { PATH: bin })).toBeUndefined();
    expect(whichSync('missing', { PATH: bin })).toBeUndefined();
    expect(whichSync('tool', {})).toBeUndefined();
  });

  it('checks a path with a slash directly', () => {
    expect(whichSync(path.join(bin, 'tool'), {})).toBe(path.join(bin, 'tool'));
    expect(whichSync('./bin/tool', {}, tmp.dir)).toBe(path.join(bin, 'tool'));
    expect(whichSync(path.join(bin, 'plain'), {})).toBeUndefined();
  });
});
