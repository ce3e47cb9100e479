/**
 * Branch names omk creates: `omk/<goal>/<task>` for a task's slice and `omk/<goal>/integration` for
 * the integration train. Ids become ref components by sanitisation that never lets two ids collide.
 */
import { createHash } from 'node:crypto';
import { OmkError } from '../../core/errors.js';
import { runGit } from './run-git.js';
import type { GitContext } from './run-git.js';

export const BRANCH_PREFIX = 'omk';
/** The last component of the integration branch; a task id that sanitises to it gets a suffix. */
export const INTEGRATION_COMPONENT = 'integration';
/** Longest sanitised component before the hash suffix. */
const MAX_COMPONENT = 48;

/**
 * Makes an id safe as one ref (and directory) component: ASCII letters lowered, digits, `_` and `-`
 * kept, every other run of characters becomes one `-`, ends trimmed, at most 48 characters. When that
 * changed the id, `-` and 8 hex digits of sha256(id) are appended, so `Fix bug` and `fix-bug` stay
 * apart; an id that is already clean maps to itself. Throws `usage` for an empty id.
 */
export function refComponent(id: string): string {
  if (id.trim() === '') throw new OmkError('usage', 'an empty id cannot name a branch', { hint: 'give the goal or task an id' });
  const cleaned = id
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, MAX_COMPONENT)
    .replace(/[-_]+$/, '');
  if (cleaned === id && cleaned !== '') return cleaned;
  const suffix = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 8);
  return cleaned === '' ? `id-${suffix}` : `${cleaned}-${suffix}`;
}

/** The task component, kept apart from the integration branch's name. */
function taskComponent(taskId: string): string {
  const component = refComponent(taskId);
  if (component !== INTEGRATION_COMPONENT) return component;
  const suffix = createHash('sha256').update(taskId, 'utf8').digest('hex').slice(0, 8);
  return `${component}-${suffix}`;
}

/** `omk/<goal>/<task>`: the branch a task's worktree works on. */
export function taskBranchName(goalId: string, taskId: string): string {
  return `${BRANCH_PREFIX}/${refComponent(goalId)}/${taskComponent(taskId)}`;
}

/** `omk/<goal>/integration`: the branch passing slices are merged onto. */
export function integrationBranchName(goalId: string): string {
  return `${BRANCH_PREFIX}/${refComponent(goalId)}/${INTEGRATION_COMPONENT}`;
}

/** The relative directory of a task's worktree under the worktree root: `<goal>/<task>`. */
export function taskWorktreeDir(goalId: string, taskId: string): string {
  return `${refComponent(goalId)}/${taskComponent(taskId)}`;
}

/** The relative directory of the integration worktree under the worktree root: `<goal>/integration`. */
export function integrationWorktreeDir(goalId: string): string {
  return `${refComponent(goalId)}/${INTEGRATION_COMPONENT}`;
}

/**
 * git's rules for a branch name (git-check-ref-format(1)), checked without spawning git: no control
 * characters, space, `~^:?*[\`, `..`, `@{`, `//`; no component starting with `.` or ending `.lock`;
 * not starting with `-` or `/`, not ending with `/` or `.`; not `@`.
 */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  return name.split('/').every((c) => c !== '' && !c.startsWith('.') && !c.endsWith('.lock'));
}

/** Asks `git check-ref-format --branch` whether `name` is a valid branch name. */
export async function checkBranchName(ctx: GitContext, name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  const result = await runGit(ctx, ['check-ref-format', '--branch', name], { okCodes: [0, 1, 128] });
  return result.exitCode === 0 && result.stdout.trim() === name;
}

/** Throws `usage` naming the branch when git rejects it. */
export async function assertBranchName(ctx: GitContext, name: string): Promise<void> {
  if (!isValidBranchName(name) || !(await checkBranchName(ctx, name))) {
    throw new OmkError('usage', `git check-ref-format --branch: "${name}" is not a valid branch name`, {
      hint: 'build branch names with taskBranchName/integrationBranchName, which sanitise ids',
    });
  }
}
