import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MARKER_FILE,
  assertOwnedWorktree,
  createWorktree,
  findWorktree,
  headSha,
  listWorktrees,
  parseWorktreeList,
  readWorktreeMarker,
  taskBranchName,
} from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

const now = () => new Date('2025-01-02T03:04:05.000Z');

describe('createWorktree', () => {
  it('creates the branch at the pinned sha even after the base branch moved', async () => {
    const pinned = sb.git(['rev-parse', 'main']);
    sb.commit('main moves on', { 'README.md': 'moved\n' });
    const wtPath = path.join(sb.repo, '.omk', 'worktrees', 'g1', 't1');
    const created = await createWorktree(sb.ctx, {
      path: wtPath,
      branch: taskBranchName('g1', 't1'),
      base: pinned,
      goalId: 'g1',
      taskId: 't1',
      attempt: 2,
      now,
      pid: 4242,
    });
    expect(created.baseSha).toBe(pinned);
    expect(await headSha({ ...sb.ctx, cwd: wtPath })).toBe(pinned);
    expect(sb.git(['rev-parse', 'omk/g1/t1'])).toBe(pinned);
    expect(readFileSync(path.join(wtPath, 'README.md'), 'utf8')).toBe('hello\n');
    expect(created.marker).toEqual({
      version: 1,
      goal_id: 'g1',
      task_id: 't1',
      attempt: 2,
      base_sha: pinned,
      branch: 'omk/g1/t1',
      created_at: '2025-01-02T03:04:05.000Z',
      pid: 4242,
    });
  });

  it('puts the marker in the worktree git dir, invisible to git status and diffs', async () => {
    const wtPath = path.join(sb.dir, 'wt');
    const created = await createWorktree(sb.ctx, { path: wtPath, branch: 'omk/g/t', base: 'HEAD', goalId: 'g', taskId: 't', now });
    expect(created.gitDir).toBe(path.join(sb.repo, '.git', 'worktrees', 'wt'));
    expect(existsSync(path.join(created.gitDir, MARKER_FILE))).toBe(true);
    expect(existsSync(path.join(wtPath, MARKER_FILE))).toBe(false);
    expect(sb.git(['status', '--porcelain', '--ignored'], wtPath)).toBe('');
    expect(sb.git(['status', '--porcelain'])).toBe('');
    const read = await readWorktreeMarker({ ...sb.ctx, cwd: wtPath });
    expect(read).toEqual({ state: 'present', marker: created.marker });
    expect(await assertOwnedWorktree({ ...sb.ctx, cwd: wtPath })).toEqual(created.marker);
  });

  it('refuses an existing branch, an existing path, an invalid branch name and an unknown base', async () => {
    const opts = { branch: 'omk/g/t', base: 'HEAD', goalId: 'g', taskId: 't' };
    await createWorktree(sb.ctx, { ...opts, path: path.join(sb.dir, 'one') });
    await expect(createWorktree(sb.ctx, { ...opts, path: path.join(sb.dir, 'two') })).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringContaining('branch omk/g/t already exists'),
    });
    await expect(createWorktree(sb.ctx, { ...opts, branch: 'omk/g/u', path: path.join(sb.dir, 'one') })).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringContaining('already exists'),
    });
    await expect(createWorktree(sb.ctx, { ...opts, branch: 'omk/g/..', path: path.join(sb.dir, 'x') })).rejects.toMatchObject({ code: 'usage' });
    await expect(createWorktree(sb.ctx, { ...opts, branch: 'omk/g/v', base: 'nope', path: path.join(sb.dir, 'y') })).rejects.toMatchObject({
      code: 'not_found',
    });
    // None of the refusals left anything behind.
    expect(sb.git(['branch', '--list', 'omk/*']).split('\n').map((l) => l.trim().replace(/^\+ /, ''))).toEqual(['omk/g/t']);
    expect(existsSync(path.join(sb.dir, 'x'))).toBe(false);
  });

  it('rolls back the worktree and branch when the marker cannot be written', async () => {
    const wtPath = path.join(sb.dir, 'rollback');
    const failing = createWorktree(sb.ctx, {
      path: wtPath,
      branch: 'omk/g/rb',
      base: 'HEAD',
      goalId: 'g',
      taskId: 'rb',
      now: () => {
        throw new Error('clock broke');
      },
    });
    await expect(failing).rejects.toThrow('clock broke');
    expect(existsSync(wtPath)).toBe(false);
    expect(sb.git(['branch', '--list', 'omk/g/rb'])).toBe('');
    expect((await listWorktrees(sb.ctx)).map((w) => w.path)).toEqual([sb.repo]);
  });

  it('parallel slices: several worktrees created at once, even with equal task ids in different goals', async () => {
    const root = path.join(sb.repo, '.omk', 'worktrees');
    const specs = [
      ['g1', 't1'],
      ['g1', 't2'],
      ['g2', 't1'],
      ['g2', 't2'],
    ] as const;
    const created = await Promise.all(
      specs.map(([g, t]) => createWorktree(sb.ctx, { path: path.join(root, g, t), branch: taskBranchName(g, t), base: 'main', goalId: g, taskId: t })),
    );
    const list = await listWorktrees(sb.ctx);
    for (const c of created) {
      const entry = list.find((w) => w.path === c.path);
      expect(entry?.marker).toEqual({ state: 'present', marker: c.marker });
    }
    expect(new Set(created.map((c) => c.gitDir)).size).toBe(4);
  });

  it('the main worktree and unmarked worktrees are not owned', async () => {
    await expect(assertOwnedWorktree(sb.ctx)).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('main worktree') });
    const plain = path.join(sb.dir, 'plain');
    sb.git(['worktree', 'add', '-q', '-b', 'plain', plain]);
    await expect(assertOwnedWorktree({ ...sb.ctx, cwd: plain })).rejects.toMatchObject({ message: expect.stringContaining('has no .omk-worktree.json') });
  });
});

describe('listWorktrees', () => {
  it('lists main first, then linked worktrees with branch, head and marker', async () => {
    const a = await createWorktree(sb.ctx, { path: path.join(sb.dir, 'a'), branch: 'omk/g/a', base: 'HEAD', goalId: 'g', taskId: 'a', now });
    const plain = path.join(sb.dir, 'plain');
    sb.git(['worktree', 'add', '-q', '--detach', plain, 'HEAD~1']);
    const list = await listWorktrees(sb.ctx);
    expect(list.map((w) => [w.path, w.isMain, w.branch, w.detached])).toEqual([
      [sb.repo, true, 'main', false],
      [a.path, false, 'omk/g/a', false],
      [plain, false, undefined, true],
    ]);
    expect(list[1]!.marker).toEqual({ state: 'present', marker: a.marker });
    expect(list[1]!.head).toBe(a.baseSha);
    expect(list[2]!.marker).toEqual({ state: 'absent' });
    expect(list[0]!.marker).toEqual({ state: 'absent' });
    // Found from inside a linked worktree too, by any spelling of the path.
    const found = await findWorktree({ ...sb.ctx, cwd: a.path }, path.join(a.path, 'src', '..'));
    expect(found?.branch).toBe('omk/g/a');
  });

  it('reads the marker of a worktree whose directory is gone, and flags it prunable', async () => {
    const a = await createWorktree(sb.ctx, { path: path.join(sb.dir, 'gone'), branch: 'omk/g/gone', base: 'HEAD', goalId: 'g', taskId: 'gone' });
    rmSync(a.path, { recursive: true, force: true });
    const entry = (await listWorktrees(sb.ctx)).find((w) => w.path === a.path);
    expect(entry?.prunable).toMatch(/non-existent/);
    expect(entry?.marker.state).toBe('present');
  });

  it('parses locked and bare entries', () => {
    const parsed = parseWorktreeList('worktree /r\nbare\n\nworktree /w\nHEAD abc\ndetached\nlocked on usb\nprunable gitdir file points to non-existent location\n\n');
    expect(parsed).toEqual([
      { path: '/r', head: undefined, branch: undefined, detached: false, bare: true, locked: undefined, prunable: undefined },
      { path: '/w', head: 'abc', branch: undefined, detached: true, bare: false, locked: 'on usb', prunable: 'gitdir file points to non-existent location' },
    ]);
  });
});
