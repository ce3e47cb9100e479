import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type TaskFacts } from '../../core/goal/controller/goal-log.js';
import type { StoreTx } from '../../core/store/store.js';
import type { Lease, TaskStatus } from '../../core/store/types.js';
import {
  assertOwnedWorktree,
  headSha,
  integrationBranchName,
  integrationWorktreeDir,
  resetHard,
  runGit,
  statusEntries,
  taskBranchName,
  taskWorktreeDir,
  tryResolveCommit,
  workingTreeSha,
  type GitContext,
} from '../git/index.js';
import { MARKER_VERSION, writeMarker } from '../git/worktree-marker.js';
import { bisectWorktreeLocation, RED_GREEN_COMPONENT, scratchWorktreeLocation } from './bisect-worktree.js';
import type { GoalScope } from './context.js';
import { ownerIsGone, parseOwnerId } from './owner.js';

/** How long recovery holds a task it resets (as an attempt's lease): long enough for a reset, and taken back if it dies. */
const RECOVERY_LEASE_MS = 10 * 60_000;

/**
 * Recovery when a controller takes over a goal (`omk goal resume`, also after `kill -9`): the goal
 * directory is reconciled, leases of the dead controller are taken back (re-queued with
 * `task.lease_expired`), the attempts nobody holds any more are recorded as interrupted, and the
 * worktrees they left are brought back to a known commit — every discarded change recorded first
 * (`worktree.recovered`). What to take back is decided in one transaction from the log as it is then,
 * never from an earlier read: a live `omk worker` may have finished a task meanwhile, and its commit
 * must stay.
 */
export async function recoverGoal(scope: GoalScope): Promise<string[]> {
  const notes: string[] = [];
  notes.push(...(await reconcileGoalDir(scope.dir.root, scope.rt.now)));
  const { rt, goalId } = scope;
  const decided = await rt.store.transaction(async (tx) => {
    await tx.expireLeases();
    // Tasks a live `omk worker` holds stay with it; everything the stopped controller held comes back.
    const takenBack = new Set<string>();
    for (const task of await tx.listTasks(goalId)) {
      if (task.status !== 'leased') continue;
      const lease = await tx.getLease({ goalId, taskId: task.id });
      if (!lease || lease.owner === rt.owner) continue;
      if (parseOwnerId(lease.owner)?.role === 'worker' && !ownerIsGone(lease.owner)) continue;
      await takeOverLease(tx, lease, 'queued', rt.now());
      takenBack.add(task.id);
      notes.push(`task ${task.id}: the lease of ${lease.owner} was taken back (re-queued)`);
    }
    const log = await tx.goalLog(goalId);
    const toReset: Array<{ task: TaskFacts; lease: Lease }> = [];
    for (const t of log.tasks.values()) {
      // An attempt still running with no lease held by anyone (its lease expired) is as gone as one taken back.
      if (!takenBack.has(t.id) && !(t.running && (await tx.getLease({ goalId, taskId: t.id })) === undefined)) continue;
      if (t.running) {
        await tx.appendEvent(goalId, 'task.attempt_interrupted', {
          task_id: t.id,
          attempt: t.running.attempt,
          round: t.running.round,
          reason: 'the controller stopped during the attempt (crash or kill); not counted against max_retries',
        });
        notes.push(`task ${t.id}: attempt ${t.running.attempt} was interrupted by the controller's stop`);
      }
      // Held by this controller while its worktree is reset, so that no worker starts on it meanwhile.
      const held = await tx.acquireLease({ goalId, taskId: t.id }, rt.owner, RECOVERY_LEASE_MS);
      if (held.ok) toReset.push({ task: t, lease: held.lease });
    }
    return { toReset, base: log.intake?.base_sha };
  });
  const { toReset, base } = decided;
  try {
    for (const { task: t } of toReset) {
      const dir = path.join(rt.worktreesRoot, taskWorktreeDir(goalId, t.id));
      const note = await recoverWorktree(scope, { id: t.id, dir, branch: taskBranchName(goalId, t.id), resetTo: t.running?.startSha, baseSha: base, attempt: t.started });
      if (note) notes.push(note);
    }
  } finally {
    if (toReset.length > 0) {
      await rt.store.transaction(async (tx) => {
        for (const { lease } of toReset) await tx.releaseLease({ goalId, taskId: lease.taskId, owner: lease.owner, token: lease.token }, 'queued');
      });
    }
  }
  if (base) {
    // The controller's own worktrees: the integration train's, and the bisection and red→green scratch ones.
    const integration = { id: 'integration', dir: path.join(rt.worktreesRoot, integrationWorktreeDir(goalId)), branch: integrationBranchName(goalId) };
    for (const w of [integration, bisectWorktreeLocation(scope), scratchWorktreeLocation(scope, RED_GREEN_COMPONENT)]) {
      const note = await recoverWorktree(scope, { ...w, resetTo: undefined, baseSha: base, attempt: 1 });
      if (note) notes.push(note);
    }
  }
  return notes;
}

/** Ends a lease its owner can no longer use (dead or stopped controller), with the event that says so. */
export async function takeOverLease(tx: StoreTx, lease: Lease, status: TaskStatus, now: Date): Promise<void> {
  const released = await tx.releaseLease({ goalId: lease.goalId, taskId: lease.taskId, owner: lease.owner, token: lease.token }, status);
  if (released.ok) {
    await tx.appendEvent(lease.goalId, 'task.lease_expired', { task_id: lease.taskId, owner: lease.owner, token: lease.token, expired_at: now.toISOString() });
    return;
  }
  // Expired meanwhile: the sweep re-queues it with its own event.
  await tx.expireLeases();
  if (status !== 'queued') await tx.updateTaskStatus(lease, status);
}

interface WorktreeToRecover {
  id: string;
  dir: string;
  branch: string;
  /** The commit the interrupted attempt started from; undefined: keep HEAD, drop only uncommitted work. */
  resetTo: string | undefined;
  baseSha: string | undefined;
  attempt: number;
}

/**
 * Brings one worktree back to `resetTo` (or its HEAD). Uncommitted work is snapshotted (a tree sha) and,
 * with any discarded commits, recorded in `worktree.recovered` before the reset. A directory git does not
 * know as omk's worktree (a crash inside `git worktree add`) is moved aside, never deleted, and the
 * worktree re-created on its branch.
 */
export async function recoverWorktree(scope: GoalScope, w: WorktreeToRecover): Promise<string | undefined> {
  const { rt } = scope;
  const git: GitContext = { cwd: rt.repoRoot, env: rt.env };
  const wtGit: GitContext = { cwd: w.dir, env: rt.env };
  let movedAside: string | null = null;
  if (existsSync(w.dir)) {
    try {
      await assertOwnedWorktree(wtGit);
    } catch {
      movedAside = `${w.dir}.crashed-${rt.now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(w.dir, movedAside);
    }
  }
  if (!existsSync(w.dir)) {
    await runGit(git, ['worktree', 'prune']);
    const branchHead = await tryResolveCommit(git, `refs/heads/${w.branch}`);
    if (branchHead === undefined || w.baseSha === undefined) {
      if (movedAside) await recordRecovery(scope, w, { head: null, resetTo: null, snapshot: null, dirty: [], discarded: [], movedAside });
      return movedAside ? `${w.id}: a broken worktree was moved aside to ${movedAside}` : undefined;
    }
    // The branch outlived its worktree: check it out again, with omk's ownership marker.
    await runGit(git, ['worktree', 'add', '--quiet', w.dir, w.branch]);
    const ownGitDir = (await runGit(wtGit, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
    await writeMarker(ownGitDir, {
      version: MARKER_VERSION,
      goal_id: scope.goalId,
      task_id: w.id,
      attempt: Math.max(1, w.attempt),
      base_sha: w.baseSha,
      branch: w.branch,
      created_at: rt.now().toISOString(),
      pid: process.pid,
    });
  }
  // A git command killed mid-way leaves its index lock; its owner is gone (we hold the goal).
  const ownGitDir = (await runGit(wtGit, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
  await rm(path.join(ownGitDir, 'index.lock'), { force: true });

  const head = await headSha(wtGit);
  const dirty = (await statusEntries(wtGit)).map((e) => e.path);
  const target = w.resetTo ?? head;
  const discarded = target === head ? [] : (await runGit(wtGit, ['rev-list', `${target}..${head}`])).stdout.split('\n').filter(Boolean);
  const inMerge = existsSync(path.join(ownGitDir, 'MERGE_HEAD'));
  if (dirty.length === 0 && target === head && !inMerge && !movedAside) return undefined;
  const snapshot = dirty.length > 0 ? await workingTreeSha(wtGit) : null;
  await recordRecovery(scope, w, { head, resetTo: target, snapshot, dirty, discarded, movedAside });
  await resetHard(wtGit, { to: target });
  return `${w.id}: worktree reset to ${target.slice(0, 12)} (${dirty.length} uncommitted path(s), ${discarded.length} commit(s) discarded; recorded)`;
}

async function recordRecovery(
  scope: GoalScope,
  w: WorktreeToRecover,
  r: { head: string | null; resetTo: string | null; snapshot: string | null; dirty: string[]; discarded: string[]; movedAside: string | null },
): Promise<void> {
  await scope.rt.store.transaction((tx) =>
    tx.appendEvent(scope.goalId, 'worktree.recovered', {
      task_id: w.id,
      path: w.dir,
      head: r.head,
      reset_to: r.resetTo,
      snapshot_tree: r.snapshot,
      dirty_paths: r.dirty,
      discarded_commits: r.discarded,
      moved_aside: r.movedAside,
    }),
  );
}

const TEMP = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;
const JSON_ARTIFACTS = ['goal.json', 'task-graph.json', 'proof.json', 'failure.json'];

/**
 * The goal directory after a crash: half-written temp files of atomic writes (never read by anyone)
 * are removed; a JSON artifact that does not parse is moved aside (`<name>.corrupt-<ts>`), never rewritten in place.
 */
export async function reconcileGoalDir(root: string, now: () => Date): Promise<string[]> {
  const notes: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) await walk(file);
      else if (TEMP.test(e.name)) {
        await rm(file, { force: true });
        notes.push(`removed a half-written temp file ${path.relative(root, file)}`);
      }
    }
  };
  await walk(root);
  for (const name of JSON_ARTIFACTS) {
    const file = path.join(root, name);
    if (!existsSync(file)) continue;
    try {
      JSON.parse(await readFile(file, 'utf8'));
    } catch {
      const aside = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(file, aside);
      notes.push(`${name} did not parse; moved aside to ${path.basename(aside)}`);
    }
  }
  return notes;
}
