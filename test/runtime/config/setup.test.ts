import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXCLUDE_LINES, ensureOmkExcluded } from '../../../src/runtime/config/git-exclude.js';
import { runSetup } from '../../../src/runtime/config/setup.js';
import { resolvePaths } from '../../../src/runtime/paths.js';

let dir: string;
let env: Record<string, string | undefined>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-setup-'));
  env = { HOME: path.join(dir, 'home'), PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, env, encoding: 'utf8' });

describe('ensureOmkExcluded', () => {
  it('writes the exclude lines into the common git dir from a linked worktree, once', async () => {
    const repo = path.join(dir, 'repo');
    git(dir, 'init', '-q', repo);
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
    const wt = path.join(dir, 'wt');
    git(repo, 'worktree', 'add', '-q', wt);
    const first = await ensureOmkExcluded(wt, env);
    expect(first.file).toBe(path.join(repo, '.git', 'info', 'exclude'));
    expect(first.added).toEqual(EXCLUDE_LINES);
    const second = await ensureOmkExcluded(wt, env);
    expect(second.added).toEqual([]);
    const text = await readFile(first.file, 'utf8');
    expect(text.split('\n').filter((l) => l === '/.omk/*')).toHaveLength(1);
  });
});

describe('runSetup', () => {
  it('outside a repository does the user part only', async () => {
    const paths = resolvePaths({ cwd: dir, env });
    const result = await runSetup({ paths, env });
    expect(result.repoRoot).toBeUndefined();
    expect(result.items.map((i) => [i.what, i.status])).toEqual([
      ['user config dir', 'created'],
      ['user config', 'created'],
      ['state dir', 'created'],
    ]);
    expect(await readFile(paths.userConfigFile, 'utf8')).toContain('# [defaults]');
  });
});
