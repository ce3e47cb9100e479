import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { GoalStatus } from '../../../src/core/store/types.js';
import { createWorktree, taskBranchName } from '../../../src/runtime/git/index.js';
import type { CreatedWorktree } from '../../../src/runtime/git/index.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';
import { makeSandbox, type Sandbox } from '../git/helpers.js';

/** A sandbox repository with omk's layout: `.omk/` excluded, the store at `.omk/omk.db`. */
export interface OmkSandbox extends Sandbox {
  dbFile: string;
  goalsDir: string;
  /** Opens the store with the given clock (default: the real one). Close it before running cleanup. */
  store: (now?: () => Date) => Promise<SqliteStore>;
  /** A task worktree made through the git layer, at `.omk/worktrees/<goal>/<task>` on `omk/<goal>/<task>`. */
  worktree: (goalId: string, taskId: string, opts?: { pid?: number; base?: string }) => Promise<CreatedWorktree>;
  /** The refs, the worktree list and every file under the sandbox, for before/after comparisons. */
  snapshot: () => { refs: string; worktrees: string; files: Record<string, string> };
  branches: () => string[];
}

export function makeOmkSandbox(): OmkSandbox {
  const sb = makeSandbox();
  appendFileSync(path.join(sb.repo, '.git', 'info', 'exclude'), '.omk/\n');
  const dbFile = path.join(sb.repo, '.omk', 'omk.db');
  const goalsDir = path.join(sb.repo, '.omk', 'goals');
  return {
    ...sb,
    dbFile,
    goalsDir,
    store: (now) => openStore({ dbFile, goalsDir, ...(now ? { now } : {}) }),
    worktree: (goalId, taskId, opts = {}) =>
      createWorktree(sb.ctx, {
        path: path.join(sb.repo, '.omk', 'worktrees', goalId, taskId),
        branch: taskBranchName(goalId, taskId),
        base: opts.base ?? 'main',
        goalId,
        taskId,
        ...(opts.pid === undefined ? {} : { pid: opts.pid }),
      }),
    snapshot: () => ({
      refs: sb.git(['for-each-ref', '--format=%(refname) %(objectname)']),
      worktrees: sb.git(['worktree', 'list', '--porcelain']),
      files: walk(sb.dir),
    }),
    branches: () => sb.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/']).split('\n').filter(Boolean),
  };
}

/** Every path under `root` → a digest of its content (files), its target (links) or `dir`. */
function walk(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        visit(full);
      } else out[rel] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  visit(root);
  return out;
}

/** The pid of a process that has exited (a marker naming it belongs to nobody). */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

/** Creates goals with statuses (and, optionally, a task each) in one transaction. */
export async function seedGoals(store: SqliteStore, goals: Record<string, GoalStatus>, tasks: Record<string, string[]> = {}): Promise<void> {
  await store.transaction(async (tx) => {
    for (const [id, status] of Object.entries(goals)) {
      await tx.createGoal({ id, prompt: `prompt of ${id}`, status });
      await tx.appendEvent(id, 'goal.created', { goal_id: id, prompt: `prompt of ${id}` });
      for (const task of tasks[id] ?? []) await tx.createTask({ goalId: id, id: task, title: `task ${task}` });
    }
  });
}

/** A clock that only moves when told to. */
export function fakeClock(start = '2025-03-01T12:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}
