import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { headTreeSha, treeOf, workingTreeSha } from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('tree shas', () => {
  it('HEAD tree and a ref tree match git', async () => {
    expect(await headTreeSha(sb.ctx)).toBe(sb.git(['rev-parse', 'HEAD^{tree}']));
    expect(await treeOf(sb.ctx, 'HEAD~1')).toBe(sb.git(['rev-parse', 'HEAD~1^{tree}']));
  });

  it('a clean working tree has the tree of HEAD', async () => {
    expect(await workingTreeSha(sb.ctx)).toBe(await headTreeSha(sb.ctx));
  });

  it('a dirty working tree differs from HEAD, is stable across runs, and leaves the index alone', async () => {
    sb.write({ 'README.md': 'edited\n', 'src/new.ts': 'untracked\n', 'ignored/skip.bin': 'ignored' });
    sb.git(['rm', '-q', '--cached', 'src/b.ts']); // staged deletion, file still on disk
    sb.write({ 'src/a.ts': 'staged then edited\n' });
    const indexFile = path.join(sb.repo, '.git', 'index');
    const indexBefore = readFileSync(indexFile);
    const statusBefore = sb.git(['status', '--porcelain']);

    const first = await workingTreeSha(sb.ctx);
    const second = await workingTreeSha({ ...sb.ctx, cwd: path.join(sb.repo, 'src') });
    expect(first).not.toBe(await headTreeSha(sb.ctx));
    expect(second).toBe(first);

    expect(sb.git(['status', '--porcelain'])).toBe(statusBefore);
    expect(readFileSync(indexFile).equals(indexBefore)).toBe(true);

    // The tree holds exactly the files on disk, untracked included, ignored excluded.
    const listing = sb.git(['ls-tree', '-r', '--name-only', first]).split('\n');
    expect(listing).toEqual(['.gitignore', 'README.md', 'src/a.ts', 'src/b.ts', 'src/new.ts']);
    expect(sb.git(['cat-file', 'blob', `${first}:README.md`])).toBe('edited');
  });

  it('equals the tree a commit of the same files gets', async () => {
    sb.write({ 'README.md': 'v2\n', 'extra.txt': 'x\n' });
    const predicted = await workingTreeSha(sb.ctx);
    sb.git(['add', '-A']);
    sb.git(['commit', '-q', '-m', 'v2']);
    expect(await headTreeSha(sb.ctx)).toBe(predicted);
  });

  it('works in a repository without commits or index', async () => {
    const fresh = path.join(sb.dir, 'fresh');
    sb.git(['init', '-q', fresh], sb.dir);
    copyFileSync(path.join(sb.repo, 'README.md'), path.join(fresh, 'README.md'));
    const tree = await workingTreeSha({ ...sb.ctx, cwd: fresh });
    expect(sb.git(['ls-tree', '--name-only', tree], fresh)).toBe('README.md');
    expect(sb.git(['status', '--porcelain'], fresh)).toBe('?? README.md');
  });
});
