/**
 * Problems found in a task graph or a task proposal. Codes are stable (tests, events and planners rely
 * on them); the message says what is wrong and how to fix it, in words a planner model can act on.
 */
export const GRAPH_PROBLEM_CODES = [
  'invalid_json', // the text is not JSON
  'schema', // a field has the wrong type or is missing
  'goal_id_mismatch', // the graph names another goal
  'no_tasks', // the graph has no task
  'too_many_tasks', // more tasks than the bound
  'invalid_id', // a task id is not a slug
  'duplicate_id', // two tasks share an id
  'empty_title',
  'empty_description',
  'empty_acceptance', // no acceptance criterion, or an empty one
  'missing_dependency', // depends_on names no task
  'self_dependency',
  'dependency_cycle', // the message carries the cycle path
  'invalid_glob', // a read/write glob is malformed
  'path_escapes_repo', // `..`, absolute or home-relative
  'protected_path', // writes into .git or .omk (proposals: any `.git*` component)
  'reviewer_writes', // a reviewer task with a write set
  'unknown_gate', // a gate name that is not configured
  'write_overlap', // two tasks may write the same file and neither depends on the other
  'not_independent', // a task depends on another where the graph must be independent slices (a team run)
  // proposals only
  'malformed_proposal', // the text after the marker is not a JSON object
  'id_exists', // the proposed id is already in the graph (or earlier in the batch)
  'publish_forbidden', // publishing, pushing or deploying
  'dependency_unusable', // depends on a failed or cancelled task
] as const;
export type GraphProblemCode = (typeof GRAPH_PROBLEM_CODES)[number];

export interface GraphProblem {
  code: GraphProblemCode;
  /** Where, as `tasks[2].write_set[0]`; `(root)` for the whole document. */
  path: string;
  message: string;
  /** The task concerned, when there is one. */
  task?: string;
}

export function problem(code: GraphProblemCode, path: string, message: string, task?: string): GraphProblem {
  return task === undefined ? { code, path, message } : { code, path, message, task };
}

/** `tasks[2].write_set[0]` from `['tasks', 2, 'write_set', 0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line: `path: message`. */
export function describeProblem(p: GraphProblem): string {
  return `${p.path}: ${p.message}`;
}

/** @default 40 — beyond this a planner gets the count, not the list. */
const MAX_LISTED = 40;

/** The text the planner is re-asked with: every problem, numbered, with its code and path. */
export function formatProblemsForPlanner(problems: readonly GraphProblem[], maxListed = MAX_LISTED): string {
  if (problems.length === 0) return 'The task graph is valid.';
  const n = problems.length;
  const lines = [
    `The task graph has ${n} problem${n === 1 ? '' : 's'}. Fix every one and answer with the complete, corrected task-graph.json (JSON only):`,
    ...problems.slice(0, maxListed).map((p, i) => `${i + 1}. [${p.code}] ${describeProblem(p)}`),
  ];
  if (n > maxListed) lines.push(`… and ${n - maxListed} more of the same kinds.`);
  return lines.join('\n');
}
