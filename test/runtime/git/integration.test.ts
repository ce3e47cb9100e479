import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkMerge,
  cherryPick,
  createWorktree,
  integrationBranchName,
  isAncestor,
  listWorktrees,
  mergeBranch,
  resetHard,
  taskBranchName,
} from '../../../src/runtime/git/index.js';
import type { CreatedWorktree } from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
let base: string;
let integration: CreatedWorktree;
beforeEach(async () => {
  sb = makeSandbox();
  base = sb.git(['rev-parse', 'HEAD']);
  integration = await createWorktree(sb.ctx, {
    path: path.join(sb.dir, 'wt', 'integration'),
    branch: integrationBranchName('g'),
    base,
    goalId: 'g',
    taskId: 'integration',
  });
});
afterEach(() => sb.cleanup());

/** A slice branch from base with one commit writing `files`. */
function slice(task: string, files: Record<string, string>): string {
  const branch = taskBranchName('g', task);
  sb.git(['branch', branch, base]);
  const wt = path.join(sb.dir, 'slices', task);
  sb.git(['worktree', 'add', '-q', wt, branch]);
  sb.commit(`slice ${task}`, files, wt);
  sb.git(['worktree', 'remove', wt]);
  return branch;
}

const ictx = () => ({ ...sb.ctx, cwd: integration.path });

describe('mergeBranch', () => {
  it('merges slices with --no-ff onto the integration branch', async () => {
    const t1 = slice('t1', { 'one.txt': '1\n' });
    const t2 = slice('t2', { 'two.txt': '2\n' });
    const first = await mergeBranch(ictx(), { source: t1, into: 'omk/g/integration' });
    expect(first).toMatchObject({ merged: true, alreadyUpToDate: false });
    const second = await mergeBranch(ictx(), { source: t2, into: 'omk/g/integration' });
    expect(second.merged && second.sha).toBe(sb.git(['rev-parse', 'omk/g/integration']));
    // Two merge commits, each with two parents, and the default message names the branch.
    expect(sb.git(['log', '--merges', '--format=%p|%s', 'omk/g/integration']).split('\n').map((l) => [l.split('|')[0]!.split(' ').length, l.split('|')[1]])).toEqual([
      [2, "Merge branch 'omk/g/t2' into omk/g/integration"],
      [2, "Merge branch 'omk/g/t1' into omk/g/integration"],
    ]);
    expect(await isAncestor(sb.ctx, t1, 'omk/g/integration')).toBe(true);
    expect(await isAncestor(sb.ctx, 'omk/g/integration', t1)).toBe(false);
    const again = await mergeBranch(ictx(), { source: t1, into: 'omk/g/integration' });
    expect(again).toMatchObject({ merged: true, alreadyUpToDate: true });
  });

  it('reports a conflict with its paths and leaves the worktree clean at the old head', async () => {
    const t1 = slice('t1', { 'README.md': 'one\n', 'same.txt': 's\n' });
    const t2 = slice('t2', { 'README.md': 'two\n', 'other.txt': 'o\n' });
    await mergeBranch(ictx(), { source: t1, into: 'omk/g/integration' });
    const head = sb.git(['rev-parse', 'HEAD'], integration.path);
    const result = await mergeBranch(ictx(), { source: t2, into: 'omk/g/integration' });
    expect(result).toEqual({ merged: false, conflicts: [{ path: 'README.md', kind: 'both_modified' }], head });
    expect(sb.git(['status', '--porcelain'], integration.path)).toBe('');
    expect(sb.git(['rev-parse', 'HEAD'], integration.path)).toBe(head);
    expect(existsSync(path.join(sb.repo, '.git', 'worktrees', 'integration', 'MERGE_HEAD'))).toBe(false);
  });

  it('refuses to merge into the wrong branch or a dirty worktree', async () => {
    const t1 = slice('t1', { 'one.txt': '1\n' });
    await expect(mergeBranch(ictx(), { source: t1, into: 'main' })).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('not main') });
    sb.write({ 'wip.txt': 'x' }, integration.path);
    await expect(mergeBranch(ictx(), { source: t1, into: 'omk/g/integration' })).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringContaining('uncommitted'),
    });
  });
});

describe('checkMerge', () => {
  for (const method of ['merge-tree', 'worktree'] as const) {
    it(`${method}: predicts the tree of a clean merge and the paths of a conflict, touching nothing`, async () => {
      const t1 = slice('t1', { 'README.md': 'one\n' });
      const t2 = slice('t2', { 'README.md': 'two\n', 'src/a.ts': 'changed\n' });
      const t3 = slice('t3', { 'three.txt': '3\n' });
      const clean = await checkMerge(sb.ctx, { ours: t1, theirs: t3, method });
      expect(clean).toMatchObject({ clean: true, method });
      const conflict = await checkMerge(sb.ctx, { ours: t1, theirs: t2, method });
      expect(conflict).toEqual({ clean: false, conflicts: ['README.md'], method });
      // The clean prediction equals the tree a real merge produces.
      await mergeBranch(ictx(), { source: t1, into: 'omk/g/integration' });
      await mergeBranch(ictx(), { source: t3, into: 'omk/g/integration' });
      expect(clean.clean && clean.tree).toBe(sb.git(['rev-parse', 'omk/g/integration^{tree}']));
      // No trial worktree or temp dir is left behind.
      expect((await listWorktrees(sb.ctx)).map((w) => w.path)).toEqual([sb.repo, integration.path]);
      expect(readdirSync(sb.env.TMPDIR!)).toEqual([]);
    });
  }

  it('auto picks merge-tree on this git', async () => {
    const t1 = slice('t1', { 'one.txt': '1\n' });
    expect(await checkMerge(sb.ctx, { ours: 'main', theirs: t1 })).toMatchObject({ clean: true, method: 'merge-tree' });
  });
});

describe('cherryPick', () => {
  it('applies a commit with its origin recorded', async () => {
    const t1 = slice('t1', { 'one.txt': '1\n' });
    const picked = sb.git(['rev-parse', t1]);
    const result = await cherryPick(ictx(), { commit: t1 });
    expect(result.picked).toBe(true);
    expect(sb.git(['log', '-1', '--format=%B'], integration.path)).toContain(`(cherry picked from commit ${picked})`);
    expect(sb.git(['log', '-1', '--format=%cn'], integration.path)).toBe('omk');
  });

  it('reports a conflict and an empty pick, aborting both', async () => {
    const t1 = slice('t1', { 'README.md': 'one\n' });
    const t2 = slice('t2', { 'README.md': 'two\n' });
    await cherryPick(ictx(), { commit: t1 });
    const head = sb.git(['rev-parse', 'HEAD'], integration.path);
    expect(await cherryPick(ictx(), { commit: t2 })).toEqual({ picked: false, reason: 'conflict', conflicts: [{ path: 'README.md', kind: 'both_modified' }], head });
    expect(sb.git(['status', '--porcelain'], integration.path)).toBe('');
    expect(await cherryPick(ictx(), { commit: t1 })).toEqual({ picked: false, reason: 'empty', head });
    expect(sb.git(['status', '--porcelain'], integration.path)).toBe('');
    expect(sb.git(['rev-parse', 'HEAD'], integration.path)).toBe(head);
  });
});

describe('resetHard', () => {
  it('resets an owned worktree to a sha and removes untracked files, keeping ignored ones', async () => {
    const t1 = slice('t1', { 'one.txt': '1\n' });
    await mergeBranch(ictx(), { source: t1, into: 'omk/g/integration' });
    sb.write({ 'README.md': 'dirty\n', 'scratch.txt': 's', 'ignored/keep.bin': 'k' }, integration.path);
    const result = await resetHard(ictx(), { to: base });
    expect(result.head).toBe(base);
    expect(result.marker.task_id).toBe('integration');
    expect(sb.git(['rev-parse', 'HEAD'], integration.path)).toBe(base);
    expect(sb.git(['status', '--porcelain', '--ignored'], integration.path)).toBe('!! ignored/');
  });

  it('refuses the main worktree and worktrees omk did not create, before touching them', async () => {
    sb.write({ 'README.md': 'user work\n' });
    await expect(resetHard(sb.ctx, { to: 'HEAD~1' })).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('main worktree') });
    const plain = path.join(sb.dir, 'plain');
    sb.git(['worktree', 'add', '-q', '-b', 'plain', plain]);
    await expect(resetHard({ ...sb.ctx, cwd: plain }, { to: 'HEAD~1' })).rejects.toMatchObject({ code: 'failed' });
    expect(sb.git(['status', '--porcelain'])).toBe('M README.md');
    expect(sb.git(['rev-parse', 'HEAD'], plain)).toBe(base);
  });
});
