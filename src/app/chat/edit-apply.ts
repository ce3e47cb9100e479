import type { ChatEvent } from '../../core/chat/types.js';
import { OmkError } from '../../core/errors.js';
import { currentBranch, deleteBranch, headSha, mergeBranch, runGit, type GitContext } from '../../runtime/git/index.js';
import { repoPaths } from '../repo.js';
import type { SessionCore } from './session-core.js';

/** Branches the chat made for its own edits; a goal's integration branch is the goal's, never deleted here. */
const CHAT_BRANCH = /^omk\/chat\//;

/**
 * The user's decision on the pending edit: applied to the working branch (fast-forward when it has
 * not moved, else a merge commit; the user's uncommitted changes are never touched), kept on its
 * branch, or dropped. Only this file writes to the user's branch.
 */
export async function acceptPending(core: SessionCore, keep: boolean): Promise<ChatEvent> {
  const pending = core.pending;
  if (pending === null) return { type: 'info', lines: ['nothing to accept: no edit is waiting'] };
  if (keep) {
    core.pending = null;
    const event: ChatEvent = { type: 'diff_resolved', resolution: 'kept', branch: pending.branch, commit: pending.commit };
    core.emit(event);
    core.remember({ role: 'system', text: `edit kept on branch ${pending.branch} (git merge ${pending.branch} to apply it)` });
    return event;
  }
  const git: GitContext = { cwd: repoPaths(core.ctx).repoRoot, env: core.ctx.env };
  const branch = await currentBranch(git);
  if (branch !== pending.target) {
    throw new OmkError('failed', `cannot apply the edit: the checkout is on ${branch ?? 'a detached HEAD'}, the edit was made for ${pending.target}`, {
      hint: `switch back to ${pending.target}, or keep the edit on its branch (/approve keep) and merge ${pending.branch} yourself`,
    });
  }
  const ff = await runGit(git, ['merge', '--ff-only', '--quiet', pending.commit], { okCodes: [0, 1, 128] });
  if (ff.exitCode !== 0) {
    const merged = await mergeBranch(git, { source: pending.commit, into: pending.target, message: `omk chat: apply ${pending.branch}` });
    if (!merged.merged) {
      throw new OmkError('failed', `the edit conflicts with ${pending.target} in ${merged.conflicts.map((c) => c.path).join(', ')}; nothing was applied`, {
        hint: `the edit stays on ${pending.branch}: merge it by hand, or /reject it`,
      });
    }
  }
  const applied = await headSha(git);
  core.pending = null;
  if (CHAT_BRANCH.test(pending.branch)) {
    const gone = await deleteBranch(git, { branch: pending.branch });
    if (!gone.deleted) core.ctx.log.warn(`chat: branch ${pending.branch} kept: ${gone.message}`);
  }
  const event: ChatEvent = { type: 'diff_resolved', resolution: 'applied', branch: pending.branch, commit: applied };
  core.emit(event);
  core.remember({ role: 'system', text: `edit applied to ${pending.target} (${applied.slice(0, 12)}): ${pending.files.join(', ')}` });
  return event;
}

export async function rejectPending(core: SessionCore): Promise<ChatEvent> {
  const pending = core.pending;
  if (pending === null) return { type: 'info', lines: ['nothing to reject: no edit is waiting'] };
  core.pending = null;
  if (CHAT_BRANCH.test(pending.branch)) {
    const git: GitContext = { cwd: repoPaths(core.ctx).repoRoot, env: core.ctx.env };
    await deleteBranch(git, {
      branch: pending.branch,
      force: 'abandon',
      // The dropped commit is recorded before the branch goes (recoverable until git gc).
      onAbandon: (record) => core.emit({ type: 'activity', line: `dropped ${record.branch ?? pending.branch} at ${record.head ?? pending.commit}` }),
    });
  }
  const event: ChatEvent = { type: 'diff_resolved', resolution: 'rejected', branch: pending.branch, commit: null };
  core.emit(event);
  core.remember({ role: 'system', text: `edit rejected (${pending.files.join(', ')})` });
  return event;
}
