import type { Finding, FindingKind } from './types.js';

/**
 * The sentences `omk goal diagnose` prints and the proof carries as gaps. Stable wording: tests and
 * docs/no-progress.md quote it; change it there too.
 */

/** `#2, #3, #4` */
export function attemptList(attempts: readonly number[]): string {
  return attempts.map((n) => `#${n}`).join(', ');
}

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

export const messages = {
  repeatedFailure: (task: string, gate: string, attempts: readonly number[], signature: string): string =>
    `task ${task}: gate ${gate} failed the same way on ${attempts.length} consecutive attempts (${attemptList(attempts)}; signature ${signature.slice(0, 12)})`,
  emptyDiffs: (task: string, attempts: readonly number[]): string =>
    `task ${task}: ${attempts.length} consecutive attempts changed nothing (${attemptList(attempts)})`,
  treeReturned: (task: string, attempt: number, to: number | 'start', tree: string): string =>
    to === 'start'
      ? `task ${task}: attempt #${attempt} returned the worktree to the tree the task started from (tree ${shortSha(tree)})`
      : `task ${task}: attempt #${attempt} returned the worktree to its state after attempt #${to} (tree ${shortSha(tree)})`,
  reverted: (task: string, attempt: number, reverted: number): string =>
    `task ${task}: attempt #${attempt} undid the change of attempt #${reverted}`,
  reapplied: (task: string, attempt: number, path: string, undoneIn: number, firstIn: number): string =>
    `task ${task}: attempt #${attempt} re-applied a change to ${path} that attempt #${undoneIn} had undone (first made in attempt #${firstIn})`,
  noImprovement: (task: string, attempts: readonly number[], counts: readonly number[]): string =>
    `task ${task}: the number of failing gates did not drop below ${counts[0]} over ${attempts.length} attempts ` +
    `(${attemptList(attempts)}: ${counts.join(' → ')})`,
};

/** One line per kind present: what it usually means. */
export const LIKELY_CAUSES: Readonly<Record<FindingKind, string>> = {
  repeated_failure:
    'The same failure keeps coming back: its cause may be outside the task (environment, a broken or flaky dependency, a file outside the write scope), or the agent does not act on the feedback.',
  empty_diffs: 'The agent keeps changing nothing: it may believe the task is done, be unable to edit, or not understand the failure.',
  oscillation: 'The agent is going back and forth between alternatives: the task likely needs a decision or a narrower scope.',
  no_improvement: 'The attempts are not reducing the failures: the task may be too large for one agent; split it or add guidance.',
};

const KIND_ORDER: readonly FindingKind[] = ['repeated_failure', 'empty_diffs', 'oscillation', 'no_improvement'];

/** The diagnosis paragraph (docs/no-progress.md, "Wording"). */
export function diagnosisText(findings: readonly Finding[], attempts: number, tasks: number): string {
  if (attempts === 0) return 'No attempts yet: nothing to diagnose.';
  if (findings.length === 0) {
    return `No stall detected: ${plural(attempts, 'attempt')} across ${plural(tasks, 'task')}; every task is passing or still making progress.`;
  }
  const stalledTasks = new Set(findings.map((f) => f.task_id)).size;
  const lines = [`Stalled: ${plural(stalledTasks, 'task')} stopped making progress (${plural(findings.length, 'finding')}).`];
  for (const f of findings) lines.push(`- ${f.message}`);
  const kinds = KIND_ORDER.filter((k) => findings.some((f) => f.kind === k));
  lines.push('Likely causes:');
  for (const k of kinds) lines.push(`- ${LIKELY_CAUSES[k]}`);
  return lines.join('\n');
}

export function kindRank(kind: FindingKind): number {
  return KIND_ORDER.indexOf(kind);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
