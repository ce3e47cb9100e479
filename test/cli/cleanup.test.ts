import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../helpers/cli.js';
import { deadPid, makeOmkSandbox, seedGoals, type OmkSandbox } from '../runtime/cleanup/helpers.js';

let sb: OmkSandbox;
beforeEach(() => {
  sb = makeOmkSandbox();
});
afterEach(() => sb.cleanup());

const omk = (...argv: string[]) => runOmk(argv, { cwd: sb.repo, env: sb.env });

/** A finished goal with a clean worktree, a dirty one and an unmerged one; a running goal with an expired lease. */
async function scene() {
  const past = () => new Date('2025-03-01T12:00:00.000Z');
  const store = await sb.store(past);
  await seedGoals(store, { g1: 'cancelled', g2: 'running' }, { g2: ['t1'] });
  await store.transaction((tx) => tx.acquireLease({ goalId: 'g2', taskId: 't1' }, 'worker-7', 1_000));
  await store.close();
  const clean = await sb.worktree('g1', 'clean');
  const dirty = await sb.worktree('g1', 'dirty');
  sb.write({ 'src/a.ts': 'export const a = 42; // not committed\n' }, dirty.path);
  const unmerged = await sb.worktree('g1', 'unmerged');
  const sha = sb.commit('agent work', { 'new.ts': 'x\n' }, unmerged.path);
  const running = await sb.worktree('g2', 't1', { pid: deadPid() });
  return { clean, dirty, unmerged, sha, running };
}

describe('omk cleanup', () => {
  it('removes what is safe, keeps dirty and unmerged work with commands to inspect it, and exits 0', async () => {
    const s = await scene();
    const { status, stdout, stderr } = await omk('cleanup');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('removed  worktree .omk/worktrees/g1/clean and branch omk/g1/clean: goal g1 is cancelled');
    expect(stdout).toContain('re-queued  task g2/t1: lease of worker-7 expired at 2025-03-01T12:00:01.000Z');
    expect(stdout).toContain('kept  worktree .omk/worktrees/g1/dirty (dirty)');
    expect(stdout).toContain(`inspect: git -C ${s.dirty.path} status`);
    expect(stdout).toContain('kept  worktree .omk/worktrees/g1/unmerged (unmerged_commits)');
    expect(stdout).toMatch(/done: 2 removed, 0 pruned, 1 re-queued, 2 kept/);
    // The core promise: the uncommitted change is still there.
    expect(readFileSync(path.join(s.dirty.path, 'src/a.ts'), 'utf8')).toContain('not committed');
    expect(sb.git(['rev-parse', 'omk/g1/unmerged'])).toBe(s.sha);
    expect(existsSync(s.clean.path)).toBe(false);
    // The running goal's worktree went: its maker is dead and its lease expired (and was re-queued).
    expect(existsSync(s.running.path)).toBe(false);
  });

  it('--json prints the documented shape', async () => {
    const s = await scene();
    const { status, stdout } = await omk('cleanup', '--json');
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['dry_run', 'removed', 'kept', 'requeued', 'pruned']);
    expect(report).toMatchObject({
      dry_run: false,
      removed: [
        { kind: 'worktree', path: s.clean.path, branch: 'omk/g1/clean', goal_id: 'g1', task_id: 'clean', reason: 'goal_terminal', deleted_branch: 'omk/g1/clean' },
        { kind: 'worktree', path: s.running.path, goal_id: 'g2', task_id: 't1', reason: 'owner_gone', deleted_branch: 'omk/g2/t1' },
      ],
      kept: [
        { kind: 'worktree', path: s.dirty.path, branch: 'omk/g1/dirty', reason: 'dirty', paths: ['src/a.ts'], commits: [] },
        { kind: 'worktree', path: s.unmerged.path, branch: 'omk/g1/unmerged', reason: 'unmerged_commits', paths: [], commits: [s.sha] },
      ],
      requeued: [{ goal_id: 'g2', task_id: 't1', owner: 'worker-7', token: 1, expired_at: '2025-03-01T12:00:01.000Z' }],
      pruned: [],
    });
    const kept = (report.kept as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(kept).sort()).toEqual(['abandon', 'branch', 'commits', 'detail', 'goal_id', 'hint', 'inspect', 'kind', 'path', 'paths', 'reason', 'task_id']);
  });

  it('--dry-run lists the same decisions and changes nothing on disk, in refs or in worktrees', async () => {
    await scene();
    const before = sb.snapshot();
    const dry = await omk('cleanup', '--dry-run', '--json');
    expect(dry.status).toBe(0);
    expect(sb.snapshot()).toEqual(before);
    const text = await omk('cleanup', '--dry-run');
    expect(text.stdout).toContain('dry run: nothing was changed');
    expect(text.stdout).toContain('would remove  worktree .omk/worktrees/g1/clean');
    expect(text.stdout).toContain('would re-queue  task g2/t1');
    expect(sb.snapshot()).toEqual(before);

    const real = await omk('cleanup', '--json');
    expect({ ...JSON.parse(real.stdout), dry_run: true }).toEqual(JSON.parse(dry.stdout));
  });

  it('keeps a worktree of a running goal whose lease is live', async () => {
    const future = () => new Date('2999-01-01T00:00:00.000Z');
    const store = await sb.store(future);
    await seedGoals(store, { g3: 'running' }, { g3: ['t1'] });
    await store.transaction((tx) => tx.acquireLease({ goalId: 'g3', taskId: 't1' }, 'worker-1', 60_000));
    await store.close();
    const wt = await sb.worktree('g3', 't1', { pid: deadPid() });
    const { status, stdout } = await omk('cleanup');
    expect(status).toBe(0);
    expect(stdout).toContain('kept  worktree .omk/worktrees/g3/t1 (in_use)');
    expect(stdout).toContain('hint: its goal is still running');
    expect(existsSync(wt.path)).toBe(true);
  });

  it('says there is nothing to do in a repository without omk state', async () => {
    const { status, stdout } = await omk('cleanup');
    expect(status).toBe(0);
    expect(stdout).toBe('done: 0 removed, 0 pruned, 0 re-queued, 0 kept\n');
    expect(existsSync(sb.dbFile)).toBe(false);
  });

  it('exits 2 outside a git repository', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omk-norepo-'));
    try {
      const { status, stderr } = await runOmk(['cleanup'], { cwd: dir, env: sb.env });
      expect(status).toBe(2);
      expect(stderr).toContain('is not inside a git repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
