import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import {
  currentBranch,
  gitCommonDir,
  gitDir,
  headSha,
  infoExcludePath,
  isClean,
  repoRoot,
  resolveCommit,
  statusEntries,
  tryResolveCommit,
} from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('repository facts', () => {
  it('finds root, git dirs and info/exclude from a subdirectory', async () => {
    const ctx = { ...sb.ctx, cwd: path.join(sb.repo, 'src') };
    expect(await repoRoot(ctx)).toBe(sb.repo);
    expect(await gitDir(ctx)).toBe(path.join(sb.repo, '.git'));
    expect(await gitCommonDir(ctx)).toBe(path.join(sb.repo, '.git'));
    expect(await infoExcludePath(ctx)).toBe(path.join(sb.repo, '.git', 'info', 'exclude'));
  });

  it('a linked worktree has its own root and git dir but the common dir and exclude file of the repository', async () => {
    const wt = path.join(sb.dir, 'linked');
    sb.git(['worktree', 'add', '-q', '-b', 'side', wt]);
    const ctx = { ...sb.ctx, cwd: wt };
    expect(await repoRoot(ctx)).toBe(wt);
    expect(await gitDir(ctx)).toBe(path.join(sb.repo, '.git', 'worktrees', 'linked'));
    expect(await gitCommonDir(ctx)).toBe(path.join(sb.repo, '.git'));
    expect(await infoExcludePath(ctx)).toBe(path.join(sb.repo, '.git', 'info', 'exclude'));
    expect(await currentBranch(ctx)).toBe('side');
  });

  it('reads the current branch, or undefined when detached', async () => {
    expect(await currentBranch(sb.ctx)).toBe('main');
    sb.git(['checkout', '-q', '--detach', 'HEAD~1']);
    expect(await currentBranch(sb.ctx)).toBeUndefined();
  });

  it('resolves HEAD and refs to commit shas', async () => {
    const head = sb.git(['rev-parse', 'HEAD']);
    expect(await headSha(sb.ctx)).toBe(head);
    expect(await resolveCommit(sb.ctx, 'main')).toBe(head);
    expect(await resolveCommit(sb.ctx, 'HEAD~1')).toBe(sb.git(['rev-parse', 'HEAD~1']));
    sb.git(['tag', '-a', '-m', 'v', 'v1']);
    // An annotated tag peels to its commit.
    expect(await resolveCommit(sb.ctx, 'v1')).toBe(head);
    expect(await tryResolveCommit(sb.ctx, 'nope')).toBeUndefined();
    // A tree sha is not a commit.
    expect(await tryResolveCommit(sb.ctx, sb.git(['rev-parse', 'HEAD^{tree}']))).toBeUndefined();
  });

  it('names the missing ref, and refuses refs that look like options', async () => {
    const error = (await resolveCommit(sb.ctx, 'nope').catch((e: unknown) => e)) as OmkError;
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('git rev-parse --verify nope^{commit}');
    await expect(resolveCommit(sb.ctx, '--output=/tmp/x')).rejects.toMatchObject({ code: 'usage' });
  });

  it('headSha in a repository without commits is not_found', async () => {
    const empty = path.join(sb.dir, 'empty');
    sb.git(['init', '-q', empty], sb.dir);
    await expect(headSha({ ...sb.ctx, cwd: empty })).rejects.toBeInstanceOf(OmkError);
    await expect(headSha({ ...sb.ctx, cwd: empty })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('isClean', () => {
  it('is true for a fresh checkout and stays true with ignored files', async () => {
    expect(await isClean(sb.ctx)).toBe(true);
    sb.write({ 'ignored/cache.bin': 'x', 'debug.log': 'y' });
    expect(await isClean(sb.ctx)).toBe(true);
  });

  it('sees modified, staged, deleted and untracked files', async () => {
    sb.write({ 'README.md': 'changed\n' });
    expect(await isClean(sb.ctx)).toBe(false);
    sb.git(['checkout', '--', 'README.md']);
    sb.write({ 'deep/new/file.txt': 'n' });
    expect(await statusEntries(sb.ctx)).toEqual([{ code: '??', path: 'deep/new/file.txt' }]);
    sb.git(['add', '-A']);
    sb.git(['mv', 'src/a.ts', 'src/renamed.ts']);
    const entries = await statusEntries(sb.ctx);
    expect(entries).toContainEqual({ code: 'A ', path: 'deep/new/file.txt' });
    expect(entries).toContainEqual({ code: 'R ', path: 'src/renamed.ts', origPath: 'src/a.ts' });
  });

  it('an empty untracked directory is not a change (git does not track directories)', async () => {
    mkdirSync(path.join(sb.repo, 'emptydir'));
    expect(await isClean(sb.ctx)).toBe(true);
  });
});
