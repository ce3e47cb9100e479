import { chmodSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changedBetween, commitAll, diffBetween, numstat, workingTreeChanges } from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('commitAll', () => {
  it('commits modified, deleted and untracked files as omk, and says when there is nothing', async () => {
    sb.write({ 'README.md': 'changed\n', 'src/new.ts': 'new\n', 'ignored/x': 'ignored' });
    sb.git(['rm', '-q', 'src/b.ts']);
    const result = await commitAll({ ...sb.ctx, cwd: path.join(sb.repo, 'src') }, { message: 'omk: slice t1' });
    expect(result.committed).toBe(true);
    if (!result.committed) return;
    expect(result.sha).toBe(sb.git(['rev-parse', 'HEAD']));
    expect(result.tree).toBe(sb.git(['rev-parse', 'HEAD^{tree}']));
    expect(sb.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%s'])).toBe('omk <omk@localhost>|omk <omk@localhost>|omk: slice t1');
    expect(sb.git(['show', '--name-status', '--format=', 'HEAD']).split('\n').sort()).toEqual(['D\tsrc/b.ts', 'M\tREADME.md', 'A\tsrc/new.ts'].sort());
    expect(sb.git(['status', '--porcelain'])).toBe('');
    expect(await commitAll(sb.ctx, { message: 'again' })).toEqual({ committed: false, reason: 'nothing_to_commit' });
  });

  it('uses a configured identity and skips hooks unless asked', async () => {
    const hooks = path.join(sb.dir, 'hooks');
    sb.write({ 'pre-commit': '#!/bin/sh\necho refused >&2\nexit 1\n' }, hooks);
    sb.git(['config', 'core.hooksPath', hooks]);
    chmodSync(path.join(hooks, 'pre-commit'), 0o755);
    sb.write({ 'a.txt': 'a' });
    const ctx = { ...sb.ctx, identity: { name: 'Bot', email: 'bot@example.com' } };
    expect((await commitAll(ctx, { message: 'no hooks' })).committed).toBe(true);
    expect(sb.git(['log', '-1', '--format=%an <%ae>'])).toBe('Bot <bot@example.com>');
    sb.write({ 'b.txt': 'b' });
    await expect(commitAll(ctx, { message: 'with hooks', runHooks: true })).rejects.toMatchObject({
      message: expect.stringContaining('git -c commit.gpgSign=false commit'),
      stderrTail: expect.stringContaining('refused'),
    });
  });

  it('rejects an empty message', async () => {
    await expect(commitAll(sb.ctx, { message: '  ' })).rejects.toMatchObject({ code: 'usage' });
  });
});

describe('diffs', () => {
  it('diffBetween gives the patch, statuses with renames, numbers and totals', async () => {
    const from = sb.git(['rev-parse', 'HEAD']);
    sb.git(['mv', 'src/a.ts', 'src/alpha.ts']);
    sb.write({ 'README.md': 'hello\nworld\n', 'bin.dat': Buffer.from([0, 1, 2, 0, 255]).toString('latin1') });
    sb.git(['rm', '-q', 'src/b.ts']);
    const to = sb.commit('change', {});
    const diff = await diffBetween(sb.ctx, from, to);
    expect(diff.files).toEqual([
      { status: 'M', path: 'README.md', additions: 1, deletions: 0, binary: false },
      { status: 'A', path: 'bin.dat', additions: undefined, deletions: undefined, binary: true },
      { status: 'R', path: 'src/alpha.ts', oldPath: 'src/a.ts', additions: 0, deletions: 0, binary: false },
      { status: 'D', path: 'src/b.ts', additions: 0, deletions: 1, binary: false },
    ]);
    expect(diff.stat).toEqual({ filesChanged: 4, insertions: 1, deletions: 1 });
    expect(diff.patch).toContain('diff --git a/README.md b/README.md');
    expect(diff.patch).toContain('+world');
    expect(diff.patch).toContain('rename from src/a.ts');
    expect(diff.patchTruncated).toBe(false);
    // The --stat line git prints agrees with the totals.
    expect(sb.git(['diff', '--shortstat', '-M', from, to])).toBe('4 files changed, 1 insertion(+), 1 deletion(-)');
    expect(await changedBetween(sb.ctx, from, to)).toEqual(diff.files.map(({ status, path: p, oldPath }) => (oldPath ? { status, path: p, oldPath } : { status, path: p })));
  });

  it('numstat and the patch ignore the user diff configuration', async () => {
    sb.git(['config', 'diff.noprefix', 'true']);
    sb.git(['config', 'color.ui', 'always']);
    const to = sb.commit('c', { 'README.md': 'x\n' });
    const diff = await diffBetween(sb.ctx, 'HEAD~1', to, { context: 0 });
    expect(diff.patch).toContain('--- a/README.md');
    expect(diff.patch).not.toContain('\u001b[');
    expect(await numstat(sb.ctx, 'HEAD~1', to)).toEqual([{ path: 'README.md', additions: 1, deletions: 1, binary: false }]);
  });

  it('a patch past the cap is truncated and says so', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const to = sb.commit('big', { 'big.txt': big });
    const diff = await diffBetween(sb.ctx, 'HEAD~1', to, { maxPatchBytes: 4096 });
    expect(diff.patchTruncated).toBe(true);
    expect(diff.stat.insertions).toBe(5000);
  });

  it('workingTreeChanges includes committed, staged, unstaged and untracked changes since base', async () => {
    const base = sb.git(['rev-parse', 'HEAD']);
    sb.commit('committed', { 'src/c.ts': 'c\n' });
    sb.write({ 'README.md': 'unstaged\n', 'docs/new.md': 'untracked\n', 'ignored/x': 'ignored' });
    sb.write({ 'staged.txt': 's' });
    sb.git(['add', 'staged.txt']);
    sb.git(['rm', '-q', '--cached', 'src/a.ts']);
    sb.git(['mv', 'src/b.ts', 'src/bee.ts']);
    sb.write({ 'src/bee.ts': 'export const b = 2;\n// one more line\n' });
    const statusBefore = sb.git(['status', '--porcelain']);
    const changes = await workingTreeChanges({ ...sb.ctx, cwd: path.join(sb.repo, 'src') }, base);
    // src/a.ts was only unstaged (`rm --cached`): on disk it is unchanged, so it is not a change.
    expect(changes.files).toEqual([
      { status: 'M', path: 'README.md' },
      { status: 'A', path: 'docs/new.md' },
      { status: 'R', path: 'src/bee.ts', oldPath: 'src/b.ts' },
      { status: 'A', path: 'src/c.ts' },
      { status: 'A', path: 'staged.txt' },
    ]);
    expect(changes.tree).toMatch(/^[0-9a-f]{40}$/);
    expect(sb.git(['status', '--porcelain'])).toBe(statusBefore);
  });

  it('workingTreeChanges sees an untracked file that moved a tracked one as a rename', async () => {
    renameSync(path.join(sb.repo, 'src', 'a.ts'), path.join(sb.repo, 'src', 'moved.ts'));
    expect((await workingTreeChanges(sb.ctx, 'HEAD')).files).toEqual([{ status: 'R', path: 'src/moved.ts', oldPath: 'src/a.ts' }]);
    expect((await workingTreeChanges(sb.ctx, 'HEAD~1')).files.map((f) => f.path)).toEqual(['src/b.ts', 'src/moved.ts']);
  });
});
