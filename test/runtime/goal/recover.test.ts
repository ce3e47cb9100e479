import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/store/store.js';
import { createWorktree, taskBranchName, taskWorktreeDir } from '../../../src/runtime/git/index.js';
import { scopeOf, type GoalRuntime } from '../../../src/runtime/goal/context.js';
import { newOwnerId } from '../../../src/runtime/goal/owner.js';
import { recoverGoal } from '../../../src/runtime/goal/recover.js';
import { openStore } from '../../../src/runtime/store/sqlite-store.js';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, FLAG_TEST, goalDirEvents, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';



const events = goalDirEvents;

/** What recoverGoal touches of the runtime: the store, the repository, the worktrees, a clock, an owner. */
function runtimeOf(repo: SampleRepo, store: Store): GoalRuntime {
  const omkDir = path.join(repo.root, '.omk');
  return {
    store,
    repoRoot: repo.root,
    goalsDir: path.join(omkDir, 'goals'),
    worktreesRoot: path.join(omkDir, 'worktrees'),
    env: repo.env,
    now: () => new Date(),
    owner: newOwnerId('controller'),
    progress: () => undefined,
    signal: new AbortController().signal,
  } as unknown as GoalRuntime;
}

function openRepoStore(repo: SampleRepo): Promise<Store> {
  const omkDir = path.join(repo.root, '.omk');
  return openStore({ dbFile: path.join(omkDir, 'omk.db'), goalsDir: path.join(omkDir, 'goals') });
}

describe('recovery when a controller takes a goal over', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(() => repo.cleanup());

  // resumeGoal used to hand recovery the log it read before claiming the goal; a live `omk worker` that
  // completed the task in between was then "interrupted" and its branch reset, dropping the commit
  // task.completed names. Recovery now decides from the store in its own transaction: this is the
  // state it then sees (task completed, lease released), and it must leave that task alone.
  it('never interrupts or resets a task that completed before the recovery transaction', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], { 'part-a ': [{ edit: { path: 'a.js', content: "export const part = 'a';\n" } }, { say: 'done' }] });
    const out = JSON.parse((await runOmk(['goal', 'run', 'do the work', '--json'], { cwd: repo.root, env: repo.env })).stdout) as { goal_id: string; status: string };
    expect(out.status).toBe('ready');
    const store = await openRepoStore(repo);
    try {
      const before = await store.readEvents(out.goal_id);
      const completed = before.find((e) => e.type === 'task.completed')!.payload as { commit: string };
      await recoverGoal(scopeOf(runtimeOf(repo, store), out.goal_id));
      const added = (await store.readEvents(out.goal_id)).slice(before.length).map((e) => e.type);
      expect(added).not.toContain('task.attempt_interrupted');
      expect(added).not.toContain('worktree.recovered');
      expect(repo.git('rev-parse', `refs/heads/omk/${out.goal_id}/part-a`).trim()).toBe(completed.commit);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("takes back a stopped controller's attempt (interrupted, worktree reset to its start, re-queued) and leaves a live worker's alone", async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }, { id: 'part-b', write: ['b.js'] }], {});
    const planned = JSON.parse((await runOmk(['goal', 'plan', 'do the work', '--json'], { cwd: repo.root, env: repo.env })).stdout) as { goal_id: string };
    const goalId = planned.goal_id;
    const base = repo.git('rev-parse', 'HEAD').trim();
    const worktreesRoot = path.join(repo.root, '.omk', 'worktrees');
    const store = await openRepoStore(repo);
    try {
      // An attempt per task, started from the base: part-a by a controller that has stopped, part-b by a
      // live worker (this process). Each left a commit and an uncommitted file in its worktree.
      const holders = { 'part-a': newOwnerId('controller', 1), 'part-b': newOwnerId('worker') };
      for (const [taskId, owner] of Object.entries(holders)) {
        const dir = path.join(worktreesRoot, taskWorktreeDir(goalId, taskId));
        const branch = taskBranchName(goalId, taskId);
        await createWorktree({ cwd: repo.root, env: repo.env }, { path: dir, branch, base, goalId, taskId, attempt: 1, now: () => new Date() });
        writeFileSync(path.join(dir, `${taskId}.js`), 'export const done = 1;\n');
        repo.git('-C', dir, 'add', '-A');
        repo.git('-C', dir, 'commit', '-q', '-m', `omk: ${taskId} attempt 1`);
        writeFileSync(path.join(dir, 'scratch.txt'), 'half-done\n');
        await store.transaction(async (tx) => {
          const lease = await tx.acquireLease({ goalId, taskId }, owner, 600_000);
          if (!lease.ok) throw new Error(`no lease on ${taskId}: ${lease.reason}`);
          await tx.appendEvent(goalId, 'task.started', { task_id: taskId, attempt: 1, round: 1, owner, token: lease.lease.token, branch, worktree: dir, start_sha: base });
        });
      }
      const before = (await store.readEvents(goalId)).length;
      await recoverGoal(scopeOf(runtimeOf(repo, store), goalId));
      const added = (await store.readEvents(goalId)).slice(before);
      const aboutTask = (id: string) => added.filter((e) => (e.payload as { task_id?: string }).task_id === id).map((e) => e.type);
      expect(aboutTask('part-a')).toEqual(['task.lease_expired', 'task.attempt_interrupted', 'worktree.recovered']);
      const recovered = added.find((e) => e.type === 'worktree.recovered')!.payload as { reset_to: string; discarded_commits: string[]; dirty_paths: string[] };
      expect(recovered.reset_to).toBe(base);
      expect(recovered.discarded_commits).toHaveLength(1);
      expect(recovered.dirty_paths).toEqual(['scratch.txt']);
      expect(repo.git('rev-parse', `refs/heads/${taskBranchName(goalId, 'part-a')}`).trim()).toBe(base);
      // Held only while its worktree was reset: back in the queue for anyone.
      expect((await store.getTask({ goalId, taskId: 'part-a' }))?.status).toBe('queued');
      expect(await store.getLease({ goalId, taskId: 'part-a' })).toBeUndefined();

      expect(aboutTask('part-b')).toEqual([]);
      expect((await store.getLease({ goalId, taskId: 'part-b' }))?.owner).toBe(holders['part-b']);
      const bDir = path.join(worktreesRoot, taskWorktreeDir(goalId, 'part-b'));
      expect(existsSync(path.join(bDir, 'scratch.txt'))).toBe(true);
      expect(repo.git('rev-parse', `refs/heads/${taskBranchName(goalId, 'part-b')}`).trim()).not.toBe(base);
    } finally {
      await store.close();
    }
  }, 60_000);

  // The safety net behind the first test: whatever moved a done task's branch, the proof never counts
  // the task as done unless the commit it completed with is in the integrated head.
  it("blocks a done task whose commit is not in the integrated head, and the proof still verifies", async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], { 'part-a ': [{ edit: { path: 'a.js', content: "export const part = 'a';\n" } }, { say: 'done' }] });
    const planned = JSON.parse((await runOmk(['goal', 'plan', 'do the work', '--json'], { cwd: repo.root, env: repo.env })).stdout) as { goal_id: string; goal_dir: string };
    const goalId = planned.goal_id;
    expect((await runOmk(['goal', 'execute', goalId, '--json'], { cwd: repo.root, env: repo.env })).status).toBe(0);
    const completed = events(planned.goal_dir).find((e) => e.type === 'task.completed')!.payload as { commit: string };
    // What the old recovery did: the task's branch back to where its attempt started.
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.git('-C', path.join(repo.root, '.omk', 'worktrees', taskWorktreeDir(goalId, 'part-a')), 'reset', '-q', '--hard', base);
    const resumed = JSON.parse((await runOmk(['goal', 'resume', goalId, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { status: string };
    expect(resumed.status).toBe('not_ready');
    const proof = JSON.parse(readFileSync(path.join(planned.goal_dir, 'proof.json'), 'utf8')) as { tasks: Array<{ id: string; status: string }>; known_gaps: string[] };
    expect(proof.tasks.find((t) => t.id === 'part-a')?.status).toBe('blocked');
    expect(proof.known_gaps).toContain(`task \`part-a\`'s commit ${completed.commit.slice(0, 12)} is not in the integrated head ${(proof as unknown as { head: { sha: string } }).head.sha.slice(0, 12)}`);
    expect((await runOmk(['goal', 'proof', goalId, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  }, 90_000);

  // A controller killed between `git worktree add` of bisection's scratch worktree and writing omk's
  // ownership marker left a worktree that every later reset refused (not omk's): each resume ended
  // failed_infra. Recovery repairs it like the other worktrees.
  it("repairs bisection's scratch worktree left half-made by a crash, and the goal reaches its verdict", async () => {
    commitFiles(repo, { 'a.js': 'export const flag = 0;\n', 'b.js': 'export const flag = 0;\n', 'flags.test.js': FLAG_TEST }, 'flags');
    useFakeAgent(repo, [{ id: 'set-a', write: ['a.js'] }, { id: 'set-b', write: ['b.js'] }], {
      'set-a ': [{ edit: { path: 'a.js', content: 'export const flag = 1;\n' } }, { say: 'a on' }],
      'set-b ': [{ edit: { path: 'b.js', content: 'export const flag = 1;\n' } }, { say: 'b on' }],
      'fix-set-b-1 ': [{ edit: { path: 'b.js', content: 'export const flag = 1 - (await import("./a.js")).flag;\n' } }, { say: 'b yields to a' }],
    });
    const planned = JSON.parse((await runOmk(['goal', 'plan', 'do the work', '--json'], { cwd: repo.root, env: repo.env })).stdout) as { goal_id: string; goal_dir: string };
    const goalId = planned.goal_id;
    expect((await runOmk(['goal', 'execute', goalId, '--json'], { cwd: repo.root, env: repo.env })).status).toBe(0);
    const scratch = path.join(repo.root, '.omk', 'worktrees', goalId, 'integration_bisect');
    repo.git('worktree', 'add', '--quiet', '-b', `omk/${goalId}/integration_bisect`, scratch, repo.git('rev-parse', 'HEAD').trim());
    const resumed = JSON.parse((await runOmk(['goal', 'resume', goalId, '--json'], { cwd: repo.root, env: repo.env })).stdout) as { status: string };
    const log = events(planned.goal_dir);
    expect(log.filter((e) => e.type === 'goal.failed').map((e) => e.payload.reason)).toEqual([]);
    const repaired = log.find((e) => e.type === 'worktree.recovered' && e.payload.task_id === 'integration_bisect')?.payload;
    expect(repaired?.moved_aside).toMatch(/integration_bisect\.crashed-/);
    expect(log.some((e) => e.type === 'integration.bisected')).toBe(true);
    expect(resumed.status).toBe('ready');
  }, 90_000);
});
