/**
 * The "kept" entries: what stays, why, and the exact commands a human can use to look at it or,
 * having decided to, discard it. omk cleanup itself never discards work.
 */
import type { KeptItem } from './report.js';

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const q = shellQuote;

interface WorktreeRef {
  path: string;
  branch: string | undefined;
  goalId: string | undefined;
  taskId: string | undefined;
}

function worktreeItem(w: WorktreeRef, rest: Pick<KeptItem, 'reason' | 'detail' | 'hint' | 'inspect' | 'abandon'> & Partial<KeptItem>): KeptItem {
  return {
    kind: 'worktree',
    path: w.path,
    branch: w.branch ?? null,
    goal_id: w.goalId ?? null,
    task_id: w.taskId ?? null,
    paths: [],
    commits: [],
    ...rest,
  };
}

/** `git worktree remove --force P` (and `git branch -D B` when the worktree has a branch). */
function abandonWorktree(path: string, branch: string | undefined, force: boolean): string {
  const remove = `git worktree remove ${force ? '--force ' : ''}${q(path)}`;
  return branch === undefined ? remove : `${remove} && git branch -D ${q(branch)}`;
}

export function keptDirty(w: WorktreeRef, paths: string[], detail: string): KeptItem {
  const inspect = `git -C ${q(w.path)} status`;
  const abandon = abandonWorktree(w.path, w.branch, true);
  return worktreeItem(w, {
    reason: 'dirty',
    detail,
    hint: `commit or copy the work you want, then run omk cleanup again; look with \`${inspect}\`; to discard it: \`${abandon}\``,
    inspect,
    abandon,
    paths,
  });
}

export function keptUnmergedWorktree(w: WorktreeRef, commits: string[], baseSha: string, detail: string): KeptItem {
  const inspect = `git -C ${q(w.path)} log --oneline ${baseSha}..HEAD`;
  const abandon = abandonWorktree(w.path, w.branch, false);
  return worktreeItem(w, {
    reason: 'unmerged_commits',
    detail,
    hint: `merge or tag the commits you want to keep, then run omk cleanup again; look with \`${inspect}\`; to discard them: \`${abandon}\``,
    inspect,
    abandon,
    commits,
  });
}

export function keptLocked(w: WorktreeRef, detail: string): KeptItem {
  return worktreeItem(w, {
    reason: 'locked',
    detail,
    hint: `someone locked it on purpose; if it may go, run \`git worktree unlock ${q(w.path)}\`, then omk cleanup again`,
    inspect: 'git worktree list --porcelain',
    abandon: null,
  });
}

export function keptInUse(w: WorktreeRef, detail: string): KeptItem {
  const goal = w.goalId === undefined ? '' : ` ${q(w.goalId)}`;
  return worktreeItem(w, {
    reason: 'in_use',
    detail,
    hint: `its goal is still running; cancel it with \`omk goal cancel${goal}\` or let it finish, then run omk cleanup again`,
    inspect: `omk goal status${goal}`,
    abandon: null,
  });
}

export function keptInvalidMarker(w: WorktreeRef, markerFile: string, problem: string): KeptItem {
  return worktreeItem(w, {
    reason: 'invalid_marker',
    detail: `its ownership marker cannot be read (${problem}), so omk cannot tell whose it is`,
    hint: `look at the marker and the worktree; remove it yourself if it is not needed: \`git worktree remove ${q(w.path)}\``,
    inspect: `cat ${q(markerFile)}`,
    abandon: null,
  });
}

export function keptBroken(w: WorktreeRef, detail: string): KeptItem {
  return worktreeItem(w, {
    reason: 'broken',
    detail,
    hint: 'git no longer recognises the directory as a worktree, so omk cannot tell what in it is work; copy what you need, delete the directory yourself, then run omk cleanup again',
    inspect: `ls -la ${q(w.path)}`,
    abandon: null,
  });
}

interface BranchRef {
  branch: string;
  goalId: string | undefined;
}

function branchItem(b: BranchRef, rest: Pick<KeptItem, 'reason' | 'detail' | 'hint' | 'inspect' | 'abandon'> & Partial<KeptItem>): KeptItem {
  return { kind: 'branch', path: null, branch: b.branch, goal_id: b.goalId ?? null, task_id: null, paths: [], commits: [], ...rest };
}

export function keptUnmergedBranch(b: BranchRef, commits: string[]): KeptItem {
  const inspect = `git log --oneline ${q(b.branch)} --not --exclude=${q(`refs/heads/${b.branch}`)} --all`;
  const abandon = `git branch -D ${q(b.branch)}`;
  return branchItem(b, {
    reason: 'unmerged_commits',
    detail: `${b.branch} holds ${commits.length} commit(s) no other ref reaches`,
    hint: `merge or tag the commits you want to keep, then run omk cleanup again; look with \`${inspect}\`; to discard them: \`${abandon}\``,
    inspect,
    abandon,
    commits,
  });
}

export function keptCheckedOut(b: BranchRef, where: string): KeptItem {
  return branchItem(b, {
    reason: 'checked_out',
    detail: `${b.branch} is checked out in ${where}`,
    hint: `switch ${where} to another branch, then run omk cleanup again`,
    inspect: `git -C ${q(where)} status`,
    abandon: null,
  });
}

export function keptBranchInUse(b: BranchRef, detail: string): KeptItem {
  const goal = b.goalId === undefined ? '' : ` ${q(b.goalId)}`;
  return branchItem(b, {
    reason: 'in_use',
    detail,
    hint: `its goal is still running; cancel it with \`omk goal cancel${goal}\` or let it finish, then run omk cleanup again`,
    inspect: `git log --oneline -5 ${q(b.branch)}`,
    abandon: null,
  });
}
