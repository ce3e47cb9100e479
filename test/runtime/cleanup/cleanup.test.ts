import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCleanup } from '../../../src/runtime/cleanup/index.js';
import type { CleanupOptions } from '../../../src/runtime/cleanup/index.js';
import { createWorktree, refComponent, taskBranchName } from '../../../src/runtime/git/index.js';
import { deadPid, fakeClock, makeOmkSandbox, seedGoals, type OmkSandbox } from './helpers.js';

let sb: OmkSandbox;
let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  sb = makeOmkSandbox();
  clock = fakeClock();
});
afterEach(() => sb.cleanup());

const cleanup = (opts: Partial<CleanupOptions> = {}) =>
  runCleanup({ git: sb.ctx, dbFile: sb.dbFile, goalsDir: sb.goalsDir, now: clock.now, ...opts });

async function goals(statuses: Parameters<typeof seedGoals>[1], tasks: Parameters<typeof seedGoals>[2] = {}) {
  const store = await sb.store(clock.now);
  await seedGoals(store, statuses, tasks);
  await store.close();
}

describe('runCleanup: worktrees', () => {
  it('removes a clean worktree of a finished goal together with its merged branch', async () => {
    await goals({ g1: 'ready', g2: 'cancelled' });
    const merged = await sb.worktree('g1', 't1');
    const work = sb.commit('slice', { 'src/c.ts': 'export const c = 3;\n' }, merged.path);
    sb.git(['merge', '-q', '--ff-only', 'omk/g1/t1']);
    const untouched = await sb.worktree('g2', 't1');

    const report = await cleanup();

    expect(report.removed).toEqual([
      { kind: 'worktree', path: merged.path, branch: 'omk/g1/t1', goal_id: 'g1', task_id: 't1', reason: 'goal_terminal', detail: 'goal g1 is ready', deleted_branch: 'omk/g1/t1' },
      { kind: 'worktree', path: untouched.path, branch: 'omk/g2/t1', goal_id: 'g2', task_id: 't1', reason: 'goal_terminal', detail: 'goal g2 is cancelled', deleted_branch: 'omk/g2/t1' },
    ]);
    expect(report.kept).toEqual([]);
    expect(existsSync(merged.path)).toBe(false);
    expect(existsSync(merged.gitDir)).toBe(false);
    expect(sb.branches()).toEqual(['main']);
    expect(sb.git(['rev-parse', 'main'])).toBe(work);
  });

  it('never removes a worktree with uncommitted or untracked changes (the core promise)', async () => {
    await goals({ g1: 'cancelled' });
    const wt = await sb.worktree('g1', 't1');
    sb.write({ 'README.md': 'edited but not committed\n', 'notes/todo.txt': 'untracked work\n' }, wt.path);

    const report = await cleanup();

    expect(report.removed).toEqual([]);
    expect(report.kept).toEqual([
      expect.objectContaining({
        kind: 'worktree',
        path: wt.path,
        branch: 'omk/g1/t1',
        goal_id: 'g1',
        task_id: 't1',
        reason: 'dirty',
        paths: ['README.md', 'notes/todo.txt'],
        inspect: `git -C ${wt.path} status`,
        abandon: `git worktree remove --force ${wt.path} && git branch -D omk/g1/t1`,
      }),
    ]);
    expect(readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('edited but not committed\n');
    expect(readFileSync(path.join(wt.path, 'notes/todo.txt'), 'utf8')).toBe('untracked work\n');
    expect(sb.branches()).toContain('omk/g1/t1');
    // And it still is a worktree omk can use.
    expect(sb.git(['worktree', 'list'])).toContain(wt.path);
  });

  it('ignored files alone do not make a worktree dirty', async () => {
    await goals({ g1: 'not_ready' });
    const wt = await sb.worktree('g1', 't1');
    sb.write({ 'ignored/build.out': 'x', 'debug.log': 'y' }, wt.path);
    const report = await cleanup();
    expect(report.removed.map((r) => r.kind)).toEqual(['worktree']);
    expect(existsSync(wt.path)).toBe(false);
  });

  it('keeps a worktree whose branch holds commits no other ref reaches, with commands to look and to discard', async () => {
    await goals({ g1: 'failed_infra' });
    const wt = await sb.worktree('g1', 't1');
    const sha = sb.commit('unmerged slice', { 'src/c.ts': 'c\n' }, wt.path);

    const report = await cleanup();

    expect(report.removed).toEqual([]);
    expect(report.kept).toEqual([
      expect.objectContaining({ kind: 'worktree', path: wt.path, reason: 'unmerged_commits', commits: [sha], abandon: `git worktree remove ${wt.path} && git branch -D omk/g1/t1` }),
    ]);
    expect(report.kept[0]!.inspect).toBe(`git -C ${wt.path} log --oneline ${wt.baseSha}..HEAD`);
    // The inspect command shows exactly the commit at risk.
    expect(execFileSync('sh', ['-c', report.kept[0]!.inspect.replace('--oneline', '--format=%H')], { encoding: 'utf8' }).trim()).toBe(sha);
    expect(sb.git(['rev-parse', 'omk/g1/t1'])).toBe(sha);
    expect(existsSync(path.join(wt.path, 'src/c.ts'))).toBe(true);
  });

  it('keeps a worktree of a running goal whose lease is live, even when the process that made it is gone', async () => {
    const store = await sb.store(clock.now);
    await seedGoals(store, { g1: 'running' }, { g1: ['t1'] });
    await store.transaction((tx) => tx.acquireLease({ goalId: 'g1', taskId: 't1' }, 'worker-1', 60_000));
    await store.close();
    const wt = await sb.worktree('g1', 't1', { pid: deadPid() });

    const report = await cleanup();

    expect(report.removed).toEqual([]);
    expect(report.requeued).toEqual([]);
    expect(report.kept).toEqual([expect.objectContaining({ kind: 'worktree', path: wt.path, reason: 'in_use', goal_id: 'g1', abandon: null })]);
    expect(report.kept[0]!.detail).toContain('worker-1 holds the task');
    expect(existsSync(wt.path)).toBe(true);
    expect(sb.branches()).toContain('omk/g1/t1');
  });

  it('keeps a worktree of a running goal whose maker is alive, with or without a lease', async () => {
    await goals({ g1: 'running' });
    const wt = await sb.worktree('g1', 'integration'); // made by this (live) process
    const report = await cleanup();
    expect(report.kept).toEqual([expect.objectContaining({ path: wt.path, reason: 'in_use' })]);
    expect(report.kept[0]!.detail).toContain(`process ${process.pid}`);
  });

  it('removes a worktree of a running goal once its maker is gone and its lease expired, re-queueing the task', async () => {
    const store = await sb.store(clock.now);
    await seedGoals(store, { g1: 'running' }, { g1: ['t1'] });
    await store.transaction((tx) => tx.acquireLease({ goalId: 'g1', taskId: 't1' }, 'worker-1', 60_000));
    await store.close();
    const wt = await sb.worktree('g1', 't1', { pid: deadPid() });
    clock.advance(60_000);

    const report = await cleanup();

    expect(report.requeued).toEqual([{ goal_id: 'g1', task_id: 't1', owner: 'worker-1', token: 1, expired_at: '2025-03-01T12:01:00.000Z' }]);
    expect(report.removed).toEqual([expect.objectContaining({ kind: 'worktree', path: wt.path, reason: 'owner_gone', deleted_branch: 'omk/g1/t1' })]);
    expect(existsSync(wt.path)).toBe(false);
  });

  it('removes an orphan of a goal the store does not know, without creating a store', async () => {
    const wt = await sb.worktree('lost-goal', 't1', { pid: deadPid() });
    const report = await cleanup();
    expect(report.removed).toEqual([expect.objectContaining({ kind: 'worktree', path: wt.path, reason: 'goal_unknown', deleted_branch: 'omk/lost-goal/t1' })]);
    expect(existsSync(wt.path)).toBe(false);
    expect(existsSync(sb.dbFile)).toBe(false);
  });

  it('treats a goal missing from an existing store as unknown too', async () => {
    await goals({ other: 'running' });
    const wt = await sb.worktree('gone', 't1');
    const report = await cleanup();
    expect(report.removed).toEqual([expect.objectContaining({ path: wt.path, reason: 'goal_unknown', detail: 'goal gone is not in the store' })]);
  });

  it('keeps a locked worktree and says how to unlock it', async () => {
    await goals({ g1: 'ready' });
    const wt = await sb.worktree('g1', 't1');
    sb.git(['worktree', 'lock', '--reason', 'on a usb stick', wt.path]);
    const report = await cleanup();
    expect(report.kept).toEqual([expect.objectContaining({ path: wt.path, reason: 'locked' })]);
    expect(report.kept[0]!.hint).toContain(`git worktree unlock ${wt.path}`);
    expect(existsSync(wt.path)).toBe(true);
  });

  it("drops git's record of a stale worktree whose directory is gone, then judges its branch", async () => {
    await goals({ g1: 'ready', g2: 'ready' });
    const merged = await sb.worktree('g1', 't1');
    const unmerged = await sb.worktree('g2', 't1');
    const sha = sb.commit('work', { 'x.txt': 'x\n' }, unmerged.path);
    rmSync(merged.path, { recursive: true, force: true });
    rmSync(unmerged.path, { recursive: true, force: true });

    const report = await cleanup();

    expect(report.pruned.map((p) => [p.path, p.branch, p.reason])).toEqual([
      [merged.path, 'omk/g1/t1', 'goal_terminal'],
      [unmerged.path, 'omk/g2/t1', 'goal_terminal'],
    ]);
    expect(report.removed).toEqual([{ kind: 'branch', branch: 'omk/g1/t1', sha: sb.git(['rev-parse', 'main']), reason: 'goal_terminal', detail: expect.stringContaining('goal g1 is ready') }]);
    expect(report.kept).toEqual([expect.objectContaining({ kind: 'branch', branch: 'omk/g2/t1', reason: 'unmerged_commits', commits: [sha], path: null })]);
    expect(sb.git(['worktree', 'list', '--porcelain'])).not.toContain('omk/g2/t1');
    expect(sb.branches()).toEqual(['main', 'omk/g2/t1']);
  });

  it("keeps a directory git no longer recognises as a worktree (its .git file is gone), untouched", async () => {
    await goals({ g1: 'ready' });
    const wt = await sb.worktree('g1', 't1');
    sb.write({ 'precious.txt': 'mine\n' }, wt.path);
    rmSync(path.join(wt.path, '.git'));
    const before = sb.snapshot();
    const report = await cleanup();
    expect(report.removed).toEqual([]);
    expect(report.pruned).toEqual([]);
    expect(report.kept).toEqual([expect.objectContaining({ path: wt.path, reason: 'broken', inspect: `ls -la ${wt.path}` })]);
    expect(sb.snapshot()).toEqual(before);
  });

  it('keeps a worktree whose marker cannot be read, and says where the marker is', async () => {
    await goals({ g1: 'ready' });
    const wt = await sb.worktree('g1', 't1');
    execFileSync('sh', ['-c', `echo 'not json' > ${path.join(wt.gitDir, '.omk-worktree.json')}`]);
    const report = await cleanup();
    expect(report.kept).toEqual([expect.objectContaining({ path: wt.path, reason: 'invalid_marker', inspect: `cat ${path.join(wt.gitDir, '.omk-worktree.json')}` })]);
    expect(existsSync(wt.path)).toBe(true);
  });
});

describe('runCleanup: branches', () => {
  it('deletes a merged branch under omk/ without a worktree and keeps an unmerged one with the commands to look at it', async () => {
    await goals({ g1: 'ready' });
    sb.git(['branch', 'omk/g1/t1', 'main~1']);
    sb.git(['branch', 'omk/g1/t2', 'main']);
    sb.git(['checkout', '-q', '-b', 'scratch']);
    const lone = sb.commit('only on omk/g1/t3', { 'z.txt': 'z\n' });
    sb.git(['branch', 'omk/g1/t3', lone]);
    sb.git(['checkout', '-q', 'main']);
    sb.git(['branch', '-D', 'scratch']);

    const report = await cleanup();

    expect(report.removed.map((r) => r.kind === 'branch' && r.branch)).toEqual(['omk/g1/t1', 'omk/g1/t2']);
    expect(report.kept).toEqual([expect.objectContaining({ kind: 'branch', branch: 'omk/g1/t3', reason: 'unmerged_commits', commits: [lone], abandon: 'git branch -D omk/g1/t3' })]);
    const shown = execFileSync('sh', ['-c', report.kept[0]!.inspect.replace('--oneline', '--format=%H')], { cwd: sb.repo, encoding: 'utf8' }).trim();
    expect(shown).toBe(lone);
    expect(sb.branches()).toEqual(['main', 'omk/g1/t3']);
  });

  it('of two branches holding the same commits, deletes one and keeps the other (a dry run predicts it)', async () => {
    await goals({ g1: 'cancelled' });
    sb.git(['checkout', '-q', '-b', 'scratch']);
    const lone = sb.commit('shared', { 'z.txt': 'z\n' });
    sb.git(['branch', 'omk/g1/a', lone]);
    sb.git(['branch', 'omk/g1/b', lone]);
    sb.git(['checkout', '-q', 'main']);
    sb.git(['branch', '-D', 'scratch']);

    const dry = await cleanup({ dryRun: true });
    const real = await cleanup();

    for (const report of [dry, real]) {
      expect(report.removed.map((r) => r.kind === 'branch' && r.branch)).toEqual(['omk/g1/a']);
      expect(report.kept.map((k) => [k.branch, k.reason])).toEqual([['omk/g1/b', 'unmerged_commits']]);
    }
    expect(sb.git(['rev-parse', 'omk/g1/b'])).toBe(lone);
  });

  it('leaves the branches of an unfinished goal alone', async () => {
    await goals({ g1: 'paused' });
    sb.git(['branch', 'omk/g1/integration', 'main']);
    const report = await cleanup();
    expect(report.removed).toEqual([]);
    expect(report.kept).toEqual([expect.objectContaining({ kind: 'branch', branch: 'omk/g1/integration', reason: 'in_use', goal_id: 'g1' })]);
    expect(sb.branches()).toContain('omk/g1/integration');
  });

  it('matches goal ids that branch names had to hash', async () => {
    await goals({ 'Goal.One': 'running' });
    expect(refComponent('Goal.One')).toMatch(/^goal-one-[0-9a-f]{8}$/);
    const wt = await createWorktree(sb.ctx, {
      path: path.join(sb.repo, '.omk', 'worktrees', 'x', 'y'),
      branch: taskBranchName('Goal.One', 't1'),
      base: 'main',
      goalId: 'Goal.One',
      taskId: 't1',
    });
    sb.git(['branch', taskBranchName('Goal.One', 't2'), 'main']);
    const report = await cleanup();
    expect(report.removed).toEqual([]);
    expect(report.kept.map((k) => [k.kind, k.reason, k.goal_id])).toEqual([
      ['worktree', 'in_use', 'Goal.One'],
      ['branch', 'in_use', 'Goal.One'],
    ]);
    expect(existsSync(wt.path)).toBe(true);
  });

  it('keeps a stale omk branch checked out in the main checkout', async () => {
    await goals({ g1: 'ready' });
    sb.git(['checkout', '-q', '-b', 'omk/g1/t1']);
    const report = await cleanup();
    expect(report.kept).toEqual([expect.objectContaining({ kind: 'branch', branch: 'omk/g1/t1', reason: 'checked_out' })]);
    expect(sb.branches()).toContain('omk/g1/t1');
  });
});

describe('runCleanup: leases', () => {
  it('re-queues an expired lease through the store, with its task.lease_expired event', async () => {
    const store = await sb.store(clock.now);
    await seedGoals(store, { g1: 'running' }, { g1: ['t1', 't2'] });
    await store.transaction(async (tx) => {
      await tx.acquireLease({ goalId: 'g1', taskId: 't1' }, 'w1', 1_000);
      await tx.acquireLease({ goalId: 'g1', taskId: 't2' }, 'w2', 60_000);
    });
    await store.close();
    clock.advance(5_000);

    const report = await cleanup();

    expect(report.requeued).toEqual([{ goal_id: 'g1', task_id: 't1', owner: 'w1', token: 1, expired_at: '2025-03-01T12:00:01.000Z' }]);
    const after = await sb.store(clock.now);
    try {
      expect(await after.getTask({ goalId: 'g1', taskId: 't1' })).toMatchObject({ status: 'queued' });
      expect(await after.getLease({ goalId: 'g1', taskId: 't1' })).toBeUndefined();
      expect(await after.getLease({ goalId: 'g1', taskId: 't2' })).toMatchObject({ owner: 'w2' });
      const events = await after.readEvents('g1');
      expect(events.at(-1)).toMatchObject({ type: 'task.lease_expired', payload: { task_id: 't1', owner: 'w1', token: 1 } });
      // Mirrored to the goal's JSONL log as the store does for every event.
      expect(readFileSync(after.eventsFile('g1'), 'utf8')).toContain('task.lease_expired');
    } finally {
      await after.close();
    }
  });
});

describe('runCleanup: scope and dry run', () => {
  it("never touches worktrees and branches omk did not make", async () => {
    await goals({ g1: 'ready' });
    const plain = path.join(sb.dir, 'plain');
    sb.git(['worktree', 'add', '-q', '-b', 'feature', plain, 'main']);
    const gone = path.join(sb.dir, 'gone');
    sb.git(['worktree', 'add', '-q', '-b', 'topic', gone, 'main']);
    rmSync(gone, { recursive: true, force: true }); // prunable, but not omk's to prune
    sb.git(['branch', 'merged-topic', 'main~1']);
    sb.git(['tag', 'v1', 'main']);
    const omk = await sb.worktree('g1', 't1');
    const before = sb.snapshot();

    const report = await cleanup();

    expect(report.removed).toEqual([expect.objectContaining({ kind: 'worktree', path: omk.path })]);
    expect(report.pruned).toEqual([]);
    expect(report.kept).toEqual([]);
    const after = sb.snapshot();
    expect(after.refs).toBe(before.refs.split('\n').filter((l) => !l.startsWith('refs/heads/omk/')).join('\n'));
    expect(sb.git(['worktree', 'list', '--porcelain'])).toContain(gone);
    expect(after.worktrees).toContain(plain);
    expect(existsSync(plain)).toBe(true);
  });

  it('a dry run reports what a real run does and changes nothing: files, refs, worktrees, store', async () => {
    const store = await sb.store(clock.now);
    await seedGoals(store, { g1: 'ready', g2: 'running' }, { g2: ['t1'] });
    await store.transaction((tx) => tx.acquireLease({ goalId: 'g2', taskId: 't1' }, 'w1', 1_000));
    await store.close();
    const removable = await sb.worktree('g1', 't1');
    const dirty = await sb.worktree('g1', 't2');
    sb.write({ 'wip.txt': 'wip\n' }, dirty.path);
    const pruneable = await sb.worktree('g1', 't3');
    rmSync(pruneable.path, { recursive: true, force: true });
    sb.git(['branch', 'omk/g1/old', 'main']);
    clock.advance(10_000);
    const before = sb.snapshot();

    const dry = await cleanup({ dryRun: true });

    expect(sb.snapshot()).toEqual(before);
    expect(dry.dry_run).toBe(true);
    expect(dry.requeued).toEqual([expect.objectContaining({ goal_id: 'g2', task_id: 't1' })]);
    expect(dry.removed.map((r) => (r.kind === 'worktree' ? r.path : r.branch))).toEqual([removable.path, 'omk/g1/old', 'omk/g1/t3']);
    expect(dry.pruned.map((p) => p.path)).toEqual([pruneable.path]);
    expect(dry.kept.map((k) => [k.path, k.reason])).toEqual([[dirty.path, 'dirty']]);

    const real = await cleanup();
    expect({ ...real, dry_run: true }).toEqual(dry);
    expect(existsSync(removable.path)).toBe(false);
    expect(existsSync(path.join(dirty.path, 'wip.txt'))).toBe(true);
    expect(sb.branches()).toEqual(['main', 'omk/g1/t2']);
  });
});
