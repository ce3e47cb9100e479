import { ancestorMap, dependencyMap, findCycles, ordered } from './deps.js';
import { globFault, targetsProtected, type ProtectedMode } from './globs.js';
import { overlappingGlobs } from './overlap.js';
import { problem, type GraphProblem } from './problems.js';
import { parseTaskGraph, type Task, type TaskGraph } from './schema.js';

/** @default 30 — a plan with more tasks is a runaway planner, not a plan. */
export const DEFAULT_MAX_TASKS = 30;
export const MAX_ID_LENGTH = 64;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface TaskCheckOptions {
  /** Configured gate names; when given, any other gate name is a problem. */
  knownGates?: readonly string[];
  /** @default 'protected-dirs' */
  protectedMode?: ProtectedMode;
}

export interface ValidateOptions extends TaskCheckOptions {
  /** @default DEFAULT_MAX_TASKS */
  maxTasks?: number;
  /** When given, the graph must name this goal. */
  goalId?: string;
  /**
   * Every task must be an independent slice (a team run's decomposition): no `depends_on`, and write sets
   * disjoint whatever the dependencies say. @default false
   */
  independent?: boolean;
}

const q = (s: string): string => JSON.stringify(s);

/** The checks that concern one task on its own (shared by the graph validator and proposals). */
export function checkTask(task: Task, at: string, options: TaskCheckOptions = {}): GraphProblem[] {
  const out: GraphProblem[] = [];
  const id = task.id;
  const add = (code: GraphProblem['code'], path: string, message: string) => out.push(problem(code, path, message, id || undefined));
  if (!SLUG.test(id) || id.length > MAX_ID_LENGTH) {
    add('invalid_id', `${at}.id`, `id ${q(id)} must be a slug of at most ${MAX_ID_LENGTH} characters: lower-case letters and digits separated by single hyphens (e.g. "add-rate-limit")`);
  }
  if (task.title.trim() === '') add('empty_title', `${at}.title`, 'title is empty; give a short imperative title');
  if (task.description.trim() === '') add('empty_description', `${at}.description`, 'description is empty; say what to change and where');
  if (task.acceptance.length === 0) add('empty_acceptance', `${at}.acceptance`, 'no acceptance criterion; list at least one checkable criterion');
  task.acceptance.forEach((a, k) => {
    if (a.trim() === '') add('empty_acceptance', `${at}.acceptance[${k}]`, 'acceptance criterion is empty');
  });
  task.depends_on.forEach((d, k) => {
    if (d === id) add('self_dependency', `${at}.depends_on[${k}]`, `task ${q(id)} depends on itself; remove it from depends_on`);
  });
  const mode = options.protectedMode ?? 'protected-dirs';
  for (const field of ['read_set', 'write_set'] as const) {
    task[field].forEach((glob, k) => {
      const fault = globFault(glob);
      if (fault) return add(fault.code, `${at}.${field}[${k}]`, fault.message);
      if (field === 'write_set' && targetsProtected(glob, mode)) {
        const what = mode === 'any-git' ? '.git*, .omk' : '.git, .omk';
        add('protected_path', `${at}.${field}[${k}]`, `${q(glob)} writes into a protected path (${what}); omk manages those itself`);
      }
    });
  }
  if (task.role === 'reviewer' && task.write_set.length > 0) {
    add('reviewer_writes', `${at}.write_set`, 'a reviewer task cannot write; empty its write_set or give the task another role');
  }
  if (options.knownGates !== undefined) {
    const known = options.knownGates;
    task.gates.forEach((g, k) => {
      if (!known.includes(g)) {
        const list = known.length > 0 ? `configured gates: ${[...known].sort().join(', ')}` : 'no gate is configured';
        add('unknown_gate', `${at}.gates[${k}]`, `unknown gate ${q(g)} (${list})`);
      }
    });
  }
  return out;
}

/**
 * Every problem with a parsed task graph, in a stable order: graph-level, then each task in order,
 * then dependencies, cycles and write-set overlaps. An empty list means the graph is valid.
 */
export function validateTaskGraph(graph: TaskGraph, options: ValidateOptions = {}): GraphProblem[] {
  const out: GraphProblem[] = [];
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  const { tasks } = graph;
  if (options.goalId !== undefined && graph.goal_id !== options.goalId) {
    out.push(problem('goal_id_mismatch', 'goal_id', `goal_id is ${q(graph.goal_id)} but this goal is ${q(options.goalId)}`));
  }
  if (tasks.length === 0) out.push(problem('no_tasks', 'tasks', 'the graph has no task; plan at least one'));
  const tooMany = tasks.length > maxTasks;
  if (tooMany) {
    out.push(problem('too_many_tasks', 'tasks', `${tasks.length} tasks; at most ${maxTasks} are allowed — merge small tasks`));
  }

  const firstIndex = new Map<string, number>();
  tasks.forEach((task, i) => {
    out.push(...checkTask(task, `tasks[${i}]`, options));
    const first = firstIndex.get(task.id);
    if (first === undefined) firstIndex.set(task.id, i);
    else out.push(problem('duplicate_id', `tasks[${i}].id`, `duplicate id ${q(task.id)} (already used by tasks[${first}]); ids must be unique`, task.id));
  });
  tasks.forEach((task, i) => {
    task.depends_on.forEach((d, k) => {
      if (options.independent) {
        out.push(problem('not_independent', `tasks[${i}].depends_on[${k}]`, `depends on ${q(d)}, but the slices of a team run start at once: remove depends_on and make the write sets disjoint instead`, task.id));
        return;
      }
      if (d !== task.id && !firstIndex.has(d)) {
        out.push(problem('missing_dependency', `tasks[${i}].depends_on[${k}]`, `depends on ${q(d)}, which is not a task in this graph`, task.id));
      }
    });
  });

  const deps = dependencyMap(tasks);
  // Independent slices: every dependency is already a problem of its own.
  for (const cycle of options.independent ? [] : findCycles(deps)) {
    const i = firstIndex.get(cycle[0]!)!;
    out.push(
      problem('dependency_cycle', `tasks[${i}].depends_on`, `dependency cycle: ${cycle.join(' -> ')} (each depends on the next); remove one of these dependencies`, cycle[0]),
    );
  }

  // Quadratic in tasks × globs: skipped past the bound (the graph is rejected anyway).
  if (!tooMany) out.push(...overlapProblems(tasks, options.independent ? new Map() : ancestorMap(deps), options.independent === true));
  return out;
}

function overlapProblems(tasks: readonly Task[], ancestors: ReadonlyMap<string, ReadonlySet<string>>, independent: boolean): GraphProblem[] {
  const out: GraphProblem[] = [];
  for (let j = 0; j < tasks.length; j += 1) {
    for (let i = 0; i < j; i += 1) {
      const a = tasks[i]!;
      const b = tasks[j]!;
      if (a.id === b.id || ordered(ancestors, a.id, b.id)) continue;
      const pairs = overlappingGlobs(a.write_set, b.write_set);
      if (pairs.length === 0) continue;
      const shown = pairs
        .slice(0, 3)
        .map(([x, y]) => (x === y ? q(x) : `${q(x)} / ${q(y)}`))
        .join(', ');
      out.push(
        problem(
          'write_overlap',
          `tasks[${j}].write_set`,
          independent
            ? `tasks ${q(a.id)} and ${q(b.id)} may write the same files (${shown}); the slices of a team run must have disjoint write sets`
            : `tasks ${q(a.id)} and ${q(b.id)} may write the same files (${shown}) and neither depends on the other; add a dependency between them or make their write sets disjoint`,
          b.id,
        ),
      );
    }
  }
  return out;
}

export type CheckResult = { ok: true; graph: TaskGraph } | { ok: false; problems: GraphProblem[] };

/** Parse then validate: a graph a controller may use, or every problem to re-ask the planner with. */
export function checkTaskGraph(input: unknown, options: ValidateOptions = {}): CheckResult {
  const parsed = parseTaskGraph(input);
  if (!parsed.ok) return parsed;
  const problems = validateTaskGraph(parsed.value, options);
  return problems.length === 0 ? { ok: true, graph: parsed.value } : { ok: false, problems };
}
