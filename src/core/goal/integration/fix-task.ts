import type { Task } from '../task-graph/schema.js';

/** Fix tasks a slice may get before its conflict or combined failure stays a gap. @default 2 */
export const MAX_FIX_TASKS_PER_SLICE = 2;

/** `fix-<slice>-<n>`: kebab-case like planned ids, numbered per slice. */
export function fixTaskId(sliceId: string, n: number): string {
  return `fix-${sliceId}-${n}`;
}

/** A fix task is never fixed by another one: its own conflict or failure is a gap for the human. */
export function mayGetFixTask(sliceId: string, fixesSoFar: number, isFixTask: boolean): boolean {
  return !isFixTask && fixesSoFar < MAX_FIX_TASKS_PER_SLICE && sliceId.length > 0;
}

/**
 * The slice merged onto the integration branch with conflicts: the fix task starts at the integration
 * head with the slice merged in and the conflict markers left for the agent to resolve. Its diff (and
 * write-set check) is measured from the integration head, so its write set holds every path the merge
 * brings (`changed`: the slice's changes since its merge base with the head — more than the slice's
 * own write set when its branch carries its dependencies' work) as well as the conflicted paths.
 */
export function conflictFixTask(
  slice: Task,
  n: number,
  conflict: { paths: readonly string[]; changed: readonly string[]; mergedBefore: readonly string[]; gates: readonly string[] },
): Task {
  const paths = [...conflict.paths].sort();
  return {
    id: fixTaskId(slice.id, n),
    title: `Resolve the merge conflict of ${slice.id} with the integration branch`,
    description: [
      `Task ${slice.id} ("${slice.title}") passed its gates alone, but merging it onto the integration branch conflicts with work already merged there (${conflict.mergedBefore.join(', ') || 'none'}).`,
      `This worktree starts at the integration head with ${slice.id} merged in; git left conflict markers (<<<<<<< ======= >>>>>>>) in: ${paths.join(', ')}.`,
      'Resolve every conflict so that both sides\' intent holds, remove all markers, and keep the tests passing. Do not undo the work already on the integration branch.',
      `The original task: ${slice.description}`,
    ].join('\n\n'),
    role: 'executor',
    depends_on: [],
    read_set: [],
    write_set: [...new Set([...slice.write_set, ...paths, ...[...conflict.changed].sort()])],
    acceptance: [`no conflict markers remain in ${paths.join(', ')}`, ...slice.acceptance],
    risk: 'medium',
    max_retries: slice.max_retries,
    gates: [...new Set([...slice.gates, ...conflict.gates])],
  };
}

export interface CombinedFailure {
  responsible: Task;
  /** Slices merged before it, which it fails together with. */
  togetherWith: readonly Task[];
  failing: ReadonlyArray<{ gate: string; command: string; exitCode: number | null; output: string }>;
  gates: readonly string[];
}

/**
 * Every slice passed its gates alone, the combined tree fails: bisection named the slice whose merge
 * makes it fail. The fix task starts at the integration head (everything merged) with the failure as context.
 */
export function combinedFailureFixTask(f: CombinedFailure, n: number): Task {
  const others = f.togetherWith.map((t) => t.id);
  return {
    id: fixTaskId(f.responsible.id, n),
    title: `Make ${f.responsible.id} work together with ${others.join(', ') || 'the base'}`,
    description: [
      `Task ${f.responsible.id} ("${f.responsible.title}") passed its gates alone, but the integrated tree fails ${f.failing.map((g) => `\`${g.gate}\``).join(', ')}.`,
      `Bisection over the merged slices: the tree fails from the merge of ${f.responsible.id}${others.length > 0 ? ` on top of ${others.join(', ')}` : ''}.`,
      'This worktree starts at the integration head (every slice merged). Fix the combined code so the gates pass, keeping every slice\'s intent.',
      ...f.failing.map((g) => `Gate \`${g.gate}\` (\`${g.command}\`, exit ${g.exitCode ?? 'none'}) output tail:\n${g.output}`),
    ].join('\n\n'),
    role: 'executor',
    depends_on: [],
    read_set: [],
    write_set: [...new Set([f.responsible, ...f.togetherWith].flatMap((t) => t.write_set))],
    acceptance: f.failing.map((g) => `gate \`${g.gate}\` passes on the integrated tree`),
    risk: 'medium',
    max_retries: f.responsible.max_retries,
    gates: [...f.gates],
  };
}

/**
 * The smallest k in 1..n whose prefix fails (prefix n is known to fail), in O(log n) probes. Assumes
 * failures are monotone in the prefix (adding slices does not fix what broke) — true for "red together".
 */
export async function firstFailingPrefix(n: number, fails: (k: number) => Promise<boolean>): Promise<number> {
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}
