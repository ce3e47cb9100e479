import { isDeadTask } from '../status.js';
import { z } from 'zod';
import type { TaskStatus } from '../../store/types.js';
import { ancestorMap, dependencyMap } from '../task-graph/deps.js';
import { overlappingGlobs } from '../task-graph/overlap.js';
import { problem, type GraphProblem } from '../task-graph/problems.js';
import { parseWith, taskSchema, type Task, type TaskGraph } from '../task-graph/schema.js';
import { checkTask, DEFAULT_MAX_TASKS } from '../task-graph/validate.js';
import { extractProposals, PROPOSAL_MARKER, type ExtractOptions, type MalformedProposal } from './extract.js';

/** A proposal is a task; `acceptance` may be omitted (then it is reported empty) and `dependencies` is read as `depends_on`. */
const proposalSchema = taskSchema.extend({ acceptance: z.array(z.string()).default([]) });

/**
 * Proposals may not publish, push, deploy or release: delivery is omk's job, under its policy.
 * Matched (lower-cased) against the title, description, acceptance criteria and write set.
 */
export const PUBLISH_PATTERNS: readonly RegExp[] = [
  /\b(npm|pnpm|yarn|cargo|twine|gem|poetry|flit|dotnet nuget|mvn deploy|gradle publish)\b[\w -]{0,20}\bpublish\b/,
  /\bpublish(es|ed|ing)? (it |the (package|crate|library|release) )?(to )?(npm|crates\.io|pypi|the registry|a registry|rubygems|maven|nuget)\b/,
  /\bpublish(es|ed|ing)? (a |the )?(new )?(release|version|package|crate)\b/,
  /\bgit push\b|\bpush(es|ed|ing)? (the |a |this )?(branch|changes|commits?|tags?)\b|\bpush(es|ed|ing)? (it )?to (origin|remote|upstream|github|main|master)\b/,
  /\b(force[- ]push|--force)\b/,
  /\bdeploy(s|ed|ing|ment)? (it )?(to )?(prod|production|staging|live)\b/,
  /\b(cut|tag|create|make) (a |the )?(new )?release\b/,
  /\b(open|create|merge) (a |the )?(pr|pull request)\b|\bmerge (it |this )?(in)?to (main|master)\b/,
];

/** Statuses of existing tasks a proposal must not write across (outside its dependency closure). */
const ACTIVE: ReadonlySet<TaskStatus> = new Set(['queued', 'leased', 'blocked']);

export interface ProposalContext {
  /** Current status of each graph task; a task with no entry is `queued`. */
  statuses: ReadonlyMap<string, TaskStatus>;
  knownGates?: readonly string[];
  /** @default DEFAULT_MAX_TASKS */
  maxTasks?: number;
}

export interface ProposalRejection {
  index: number;
  id?: string;
  problems: GraphProblem[];
}

export interface ProposalOutcome {
  /** Accepted tasks, in proposal order. */
  accepted: Task[];
  rejected: ProposalRejection[];
  /** The graph with the accepted tasks appended. */
  graph: TaskGraph;
}

const q = (s: string): string => JSON.stringify(s);

/**
 * Validates a batch of proposals (already extracted, as plain values) against the current graph, one at
 * a time in order; an accepted proposal can be depended on by a later one. Every reason is reported.
 */
export function validateProposals(graph: TaskGraph, proposals: readonly unknown[], ctx: ProposalContext): ProposalOutcome {
  const accepted: Task[] = [];
  const rejected: ProposalRejection[] = [];
  const seenIds = new Set<string>();
  proposals.forEach((raw, index) => {
    const at = `proposals[${index}]`;
    const parsed = parseWith(proposalSchema, withAliases(raw), ['proposals', index]);
    if (!parsed.ok) {
      const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
      rejected.push(id === undefined ? { index, problems: parsed.problems } : { index, id, problems: parsed.problems });
      return;
    }
    const task = parsed.value;
    const problems = checkProposal(task, at, graph, accepted, seenIds, ctx);
    seenIds.add(task.id);
    if (problems.length === 0) accepted.push(task);
    else rejected.push({ index, id: task.id, problems });
  });
  return { accepted, rejected, graph: { ...graph, tasks: [...graph.tasks, ...accepted] } };
}

function checkProposal(
  task: Task,
  at: string,
  graph: TaskGraph,
  accepted: readonly Task[],
  seenIds: ReadonlySet<string>,
  ctx: ProposalContext,
): GraphProblem[] {
  const id = task.id;
  const out = checkTask(task, at, { knownGates: ctx.knownGates, protectedMode: 'any-git' });
  const add = (code: GraphProblem['code'], path: string, message: string) => out.push(problem(code, path, message, id || undefined));
  const status = (t: string): TaskStatus => ctx.statuses.get(t) ?? 'queued';
  const all = [...graph.tasks, ...accepted];
  const known = new Set(all.map((t) => t.id));

  if (graph.tasks.some((t) => t.id === id)) add('id_exists', `${at}.id`, `a task ${q(id)} already exists; choose a new id`);
  else if (seenIds.has(id)) add('duplicate_id', `${at}.id`, `id ${q(id)} was already proposed in this message`);

  const text = [task.title, task.description, ...task.acceptance, ...task.write_set].join('\n').toLowerCase();
  const publish = PUBLISH_PATTERNS.map((re) => re.exec(text)).find((m) => m !== null);
  if (publish) {
    add('publish_forbidden', at, `proposes to publish, push, deploy or release (${q(publish[0])}); delivery is done by omk under its policy, not by a task`);
  }

  task.depends_on.forEach((d, k) => {
    if (d === id) return; // reported as self_dependency
    if (!known.has(d)) add('missing_dependency', `${at}.depends_on[${k}]`, `depends on ${q(d)}, which is not a task in the graph`);
    else if (isDeadTask(status(d))) add('dependency_unusable', `${at}.depends_on[${k}]`, `depends on ${q(d)}, which is ${status(d)} and will never be done`);
  });

  const maxTasks = ctx.maxTasks ?? DEFAULT_MAX_TASKS;
  if (all.length + 1 > maxTasks) add('too_many_tasks', at, `the graph already has ${all.length} tasks; at most ${maxTasks} are allowed`);

  // Write conflicts with active tasks (and earlier accepted proposals) this one does not come after.
  const closure = dependencyClosure(task, all);
  const isNew = new Set(accepted.map((t) => t.id));
  for (const other of all) {
    if (closure.has(other.id) || other.id === id) continue;
    if (!isNew.has(other.id) && !ACTIVE.has(status(other.id))) continue;
    const pairs = overlappingGlobs(task.write_set, other.write_set);
    if (pairs.length === 0) continue;
    const [x, y] = pairs[0]!;
    const state = isNew.has(other.id) ? 'proposed earlier in this message' : status(other.id) === 'leased' ? 'running' : 'pending';
    add(
      'write_overlap',
      `${at}.write_set`,
      `may write the same files as task ${q(other.id)} (${state}; ${x === y ? q(x) : `${q(x)} / ${q(y)}`}) without depending on it; add it to depends_on or narrow the write set`,
    );
  }
  return out;
}

function dependencyClosure(task: Task, all: readonly Task[]): Set<string> {
  const deps = dependencyMap([...all, { ...task }]);
  return ancestorMap(deps).get(task.id) ?? new Set();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function withAliases(raw: unknown): unknown {
  if (!isRecord(raw) || raw.depends_on !== undefined || raw.dependencies === undefined) return raw;
  const { dependencies, ...rest } = raw;
  return { ...rest, depends_on: dependencies };
}

/** Malformed markers as problems (`malformed_proposal`), so they can be reported like rejections. */
export function malformedProblems(malformed: readonly MalformedProposal[]): GraphProblem[] {
  return malformed.map((m) => problem('malformed_proposal', `message@${m.offset}`, `the ${PROPOSAL_MARKER.replace(/:$/, '')} marker at offset ${m.offset} was skipped: ${m.reason}`));
}

export interface MessageProposals extends ProposalOutcome {
  /** One per marker that yielded nothing usable. */
  malformed: GraphProblem[];
}

/** Extract from an agent's final message, then validate: the controller's one call. */
export function proposalsFromMessage(
  text: string,
  graph: TaskGraph,
  ctx: ProposalContext,
  options: ExtractOptions = {},
): MessageProposals {
  const extraction = extractProposals(text, options);
  const outcome = validateProposals(graph, extraction.proposals.map((p) => p.value), ctx);
  return { ...outcome, malformed: malformedProblems(extraction.malformed) };
}
