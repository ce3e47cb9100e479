import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorktree,
  deleteBranch,
  listWorktrees,
  pruneWorktrees,
  removeWorktree,
  unmergedCommits,
} from '../../../src/runtime/git/index.js';
import type { AbandonRecord, CreatedWorktree } from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
let wt: CreatedWorktree;
beforeEach(async () => {
  sb = makeSandbox();
  wt = await createWorktree(sb.ctx, { path: path.join(sb.dir, 'wt', 'g', 't'), branch: 'omk/g/t', base: 'main', goalId: 'g', taskId: 't' });
});
afterEach(() => sb.cleanup());

const branches = () => sb.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/']).split('\n');

describe('removeWorktree', () => {
  it('removes a clean worktree and its branch when nothing is lost', async () => {
    // Ignored files do not count as work: they go with the directory.
    sb.write({ 'ignored/build.out': 'x' }, wt.path);
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toEqual({ removed: true, path: wt.path, deletedBranch: 'omk/g/t', abandoned: undefined });
    expect(existsSync(wt.path)).toBe(false);
    expect(existsSync(wt.gitDir)).toBe(false);
    expect(branches()).toEqual(['main']);
  });

  it('refuses a dirty worktree (modified or untracked) and changes nothing', async () => {
    sb.write({ 'notes.txt': 'untracked work\n', 'README.md': 'edited\n' }, wt.path);
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toMatchObject({ removed: false, reason: 'dirty', dirtyPaths: ['README.md', 'notes.txt'] });
    expect(existsSync(path.join(wt.path, 'notes.txt'))).toBe(true);
    expect(branches()).toContain('omk/g/t');
  });

  it('refuses when the branch holds commits no other ref reaches', async () => {
    const sha = sb.commit('slice work', { 'src/c.ts': 'export const c = 3;\n' }, wt.path);
    expect(await unmergedCommits(sb.ctx, 'omk/g/t')).toEqual([sha]);
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toMatchObject({ removed: false, reason: 'unmerged_commits', unmergedCommits: [sha], dirtyPaths: [] });
    expect(existsSync(wt.path)).toBe(true);
  });

  it('removes it once another ref reaches the commits', async () => {
    const sha = sb.commit('slice work', { 'src/c.ts': 'c\n' }, wt.path);
    sb.git(['branch', 'omk/g/integration', sha]);
    expect(await unmergedCommits(sb.ctx, 'omk/g/t')).toEqual([]);
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toMatchObject({ removed: true, deletedBranch: 'omk/g/t' });
    expect(sb.git(['rev-parse', 'omk/g/integration'])).toBe(sha);
  });

  it('with deleteBranch: false keeps the branch, so unmerged commits do not block removal', async () => {
    const sha = sb.commit('slice work', { 'src/c.ts': 'c\n' }, wt.path);
    const result = await removeWorktree(sb.ctx, { path: wt.path, deleteBranch: false });
    expect(result).toMatchObject({ removed: true, deletedBranch: undefined });
    expect(sb.git(['rev-parse', 'omk/g/t'])).toBe(sha);
  });

  it("abandon removes dirty and unmerged work only after the recorder has the record", async () => {
    const sha = sb.commit('slice work', { 'src/c.ts': 'c\n' }, wt.path);
    sb.write({ 'scratch.txt': 'uncommitted\n' }, wt.path);
    const records: AbandonRecord[] = [];
    const result = await removeWorktree(sb.ctx, {
      path: wt.path,
      force: 'abandon',
      onAbandon: (record) => {
        // The worktree still exists while the record is taken.
        expect(existsSync(wt.path)).toBe(true);
        records.push(record);
      },
    });
    expect(result).toMatchObject({ removed: true, deletedBranch: 'omk/g/t' });
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({ path: wt.path, branch: 'omk/g/t', head: sha, dirtyPaths: ['scratch.txt'], unmergedCommits: [sha] });
    expect(record.marker?.task_id).toBe('t');
    // The uncommitted file is recoverable from the snapshot tree until gc.
    expect(sb.git(['cat-file', 'blob', `${record.snapshotTree!}:scratch.txt`])).toBe('uncommitted');
    expect(existsSync(wt.path)).toBe(false);
    expect(branches()).toEqual(['main']);
  });

  it('a throwing recorder cancels the abandon', async () => {
    sb.write({ 'scratch.txt': 'x' }, wt.path);
    const failing = removeWorktree(sb.ctx, {
      path: wt.path,
      force: 'abandon',
      onAbandon: () => {
        throw new Error('event log unavailable');
      },
    });
    await expect(failing).rejects.toThrow('event log unavailable');
    expect(existsSync(path.join(wt.path, 'scratch.txt'))).toBe(true);
  });

  it('abandon without a recorder is a usage error', async () => {
    const opts = { path: wt.path, force: 'abandon' } as unknown as Parameters<typeof removeWorktree>[1];
    await expect(removeWorktree(sb.ctx, opts)).rejects.toMatchObject({ code: 'usage' });
  });

  it('never removes the main worktree, an unmarked worktree, a locked one, or a path git does not know', async () => {
    expect(await removeWorktree(sb.ctx, { path: sb.repo })).toMatchObject({ removed: false, reason: 'main_worktree' });
    const plain = path.join(sb.dir, 'plain');
    sb.git(['worktree', 'add', '-q', '-b', 'plain', plain]);
    expect(await removeWorktree(sb.ctx, { path: plain })).toMatchObject({ removed: false, reason: 'not_owned' });
    sb.git(['worktree', 'lock', '--reason', 'in use', wt.path]);
    expect(await removeWorktree(sb.ctx, { path: wt.path })).toMatchObject({ removed: false, reason: 'locked', message: expect.stringContaining('in use') });
    expect(await removeWorktree(sb.ctx, { path: path.join(sb.dir, 'nowhere') })).toMatchObject({ removed: false, reason: 'not_a_worktree' });
    expect(existsSync(plain) && existsSync(wt.path) && existsSync(sb.repo)).toBe(true);
  });

  it('does not delete a branch the worktree switched to that omk did not create', async () => {
    sb.git(['checkout', '-q', '-b', 'user-branch'], wt.path);
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toMatchObject({ removed: true, deletedBranch: undefined });
    expect(branches()).toEqual(expect.arrayContaining(['main', 'omk/g/t', 'user-branch']));
  });

  it('refuses a detached worktree whose HEAD commits no ref reaches', async () => {
    sb.git(['checkout', '-q', '--detach'], wt.path);
    const sha = sb.commit('detached work', { 'd.txt': 'd' }, wt.path);
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toMatchObject({ removed: false, reason: 'unmerged_commits', unmergedCommits: [sha] });
  });

  it('removes the metadata of a worktree whose directory is already gone', async () => {
    rmSync(wt.path, { recursive: true, force: true });
    const result = await removeWorktree(sb.ctx, { path: wt.path });
    expect(result).toMatchObject({ removed: true, deletedBranch: 'omk/g/t' });
    expect((await listWorktrees(sb.ctx)).map((w) => w.path)).toEqual([sb.repo]);
  });
});

describe('pruneWorktrees', () => {
  it('prunes metadata of vanished worktrees (dry run first) and keeps their branches', async () => {
    rmSync(wt.path, { recursive: true, force: true });
    const dry = await pruneWorktrees(sb.ctx, { dryRun: true });
    expect(dry).toEqual([{ name: 't', reason: expect.stringMatching(/non-existent/) }]);
    expect(existsSync(wt.gitDir)).toBe(true);
    expect(await pruneWorktrees(sb.ctx)).toEqual(dry);
    expect(existsSync(wt.gitDir)).toBe(false);
    expect(branches()).toContain('omk/g/t');
    expect(await pruneWorktrees(sb.ctx)).toEqual([]);
  });
});

describe('deleteBranch', () => {
  it('refuses a checked-out branch, an unmerged one and a missing one; deletes a merged one', async () => {
    expect(await deleteBranch(sb.ctx, { branch: 'omk/g/t' })).toMatchObject({ deleted: false, reason: 'checked_out' });
    await removeWorktree(sb.ctx, { path: wt.path, deleteBranch: false });
    expect(await deleteBranch(sb.ctx, { branch: 'nope' })).toMatchObject({ deleted: false, reason: 'not_found' });

    sb.git(['branch', 'omk/g/u', 'main']);
    sb.git(['checkout', '-q', 'omk/g/u']);
    const sha = sb.commit('u work', { 'u.txt': 'u' });
    sb.git(['checkout', '-q', 'main']);
    expect(await deleteBranch(sb.ctx, { branch: 'omk/g/u' })).toMatchObject({ deleted: false, reason: 'unmerged_commits', unmergedCommits: [sha] });

    // omk/g/t sits at main's commit: reachable from main, so it goes.
    expect(await deleteBranch(sb.ctx, { branch: 'omk/g/t' })).toMatchObject({ deleted: true, abandonedCommits: [] });

    const records: AbandonRecord[] = [];
    const abandoned = await deleteBranch(sb.ctx, { branch: 'omk/g/u', force: 'abandon', onAbandon: (r) => void records.push(r) });
    expect(abandoned).toMatchObject({ deleted: true, sha, abandonedCommits: [sha] });
    expect(records).toEqual([{ branch: 'omk/g/u', head: sha, dirtyPaths: [], unmergedCommits: [sha] }]);
    expect(branches()).toEqual(['main']);
  });
});
