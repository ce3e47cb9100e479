import { z } from 'zod';
import { describeError } from '../../errors.js';
import { formatPath, problem, type GraphProblem } from './problems.js';

export const TASK_GRAPH_VERSION = 1;
/** Who works on a task. Reviewers read only (a reviewer with a write set is a problem). */
export const TASK_ROLES = ['executor', 'tester', 'reviewer', 'documenter'] as const;
export type TaskRole = (typeof TASK_ROLES)[number];
export const TASK_RISKS = ['low', 'medium', 'high'] as const;
export type TaskRisk = (typeof TASK_RISKS)[number];
/** @default 2 */
export const DEFAULT_MAX_RETRIES = 2;
export const MAX_RETRIES_LIMIT = 10;

/**
 * One task. The schema checks shapes only; emptiness, id format, globs, dependencies and overlaps are
 * the validator's job, so a planner hears about all of them at once. Unknown keys are dropped.
 */
export const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** @default 'executor' */
  role: z.enum(TASK_ROLES).default('executor'),
  depends_on: z.array(z.string()).default([]),
  /** Globs relative to the repository root. */
  read_set: z.array(z.string()).default([]),
  write_set: z.array(z.string()).default([]),
  acceptance: z.array(z.string()),
  /** @default 'medium' */
  risk: z.enum(TASK_RISKS).default('medium'),
  max_retries: z.number().int().min(0).max(MAX_RETRIES_LIMIT).default(DEFAULT_MAX_RETRIES),
  /** Gate names (configured gates only), run in the task's worktree after it commits. */
  gates: z.array(z.string()).default([]),
  estimate: z
    .object({
      minutes: z.number().positive().optional(),
      tokens: z.number().int().positive().optional(),
    })
    .optional(),
});

export const taskGraphSchema = z.object({
  version: z.literal(TASK_GRAPH_VERSION),
  goal_id: z.string().min(1),
  tasks: z.array(taskSchema),
});

export type Task = z.output<typeof taskSchema>;
export type TaskInput = z.input<typeof taskSchema>;
export type TaskGraph = z.output<typeof taskGraphSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: GraphProblem[] };

/** Parses with every issue named by its path: `tasks[2].write_set[0]: expected string, found 3`. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, base: ReadonlyArray<PropertyKey> = []): ParseResult<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = [...base, ...issue.path];
    const found = describeFound(valueAt(input, issue.path));
    const what = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message.replace(/^Invalid (input|option): /, '');
    const task = taskIdAt(input, issue.path);
    return problem('schema', formatPath(path), `${what}, found ${found}`, task);
  });
  return { ok: false, problems };
}

export function parseTaskGraph(input: unknown): ParseResult<TaskGraph> {
  return parseWith(taskGraphSchema, input);
}

/** `task-graph.json` text → graph, or problems (invalid JSON included). */
export function parseTaskGraphJson(text: string): ParseResult<TaskGraph> {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [problem('invalid_json', '(root)', `not valid JSON (${describeError(err)})`)] };
  }
  return parseTaskGraph(input);
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function taskIdAt(input: unknown, path: ReadonlyArray<PropertyKey>): string | undefined {
  if (path[0] !== 'tasks' || typeof path[1] !== 'number') return undefined;
  const id = valueAt(input, ['tasks', path[1], 'id']);
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** A short description of a found value, for error messages. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}
