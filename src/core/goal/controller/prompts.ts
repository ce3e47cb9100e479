import type { IntakeResult, RepoFacts } from '../intake/types.js';
import type { Task, TaskGraph } from '../task-graph/schema.js';

/**
 * The text omk sends to agents. Pure string builders, so prompts are reviewable in tests and the
 * same inputs always give the same prompt (recorded transcripts replay against them).
 */

export const PLANNER_MARKER = 'OMK-PLANNER-REQUEST';
export const EXECUTOR_MARKER = 'OMK-TASK-REQUEST';

const GRAPH_FORMAT = `{
  "version": 1,
  "goal_id": "<the goal id>",
  "tasks": [
    {
      "id": "kebab-case-slug",
      "title": "short imperative title",
      "description": "what to change and where",
      "role": "executor",
      "depends_on": [],
      "read_set": ["src/**"],
      "write_set": ["src/parser/**", "test/parser/**"],
      "acceptance": ["observable criterion", "Gate \`test\` passes."],
      "risk": "low | medium | high",
      "max_retries": 2,
      "gates": ["test"]
    }
  ]
}`;

export interface PlannerPromptInput {
  goalId: string;
  intake: IntakeResult;
  repo: RepoFacts;
  /** Gate names that exist (tasks may only name these). */
  knownGates: readonly string[];
  /** Problems with the previous answer, as formatProblemsForPlanner wrote them. */
  problems?: string;
}

export function plannerPrompt(input: PlannerPromptInput): string {
  const { intake, repo } = input;
  const lines = [
    `${PLANNER_MARKER} for goal ${input.goalId}.`,
    'You are planning a software change. Read the repository (you are read-only: do not edit anything), then answer with a task graph.',
    '',
    'The goal, verbatim:',
    ...intake.original.split('\n').map((l) => `> ${l}`),
    '',
    `Goal type: ${intake.type}. Oracle (the gates that decide "done"): ${intake.oracle.gates.map((g) => `\`${g}\``).join(', ') || 'none'} — ${intake.oracle.rationale}.`,
    `Repository: languages ${repo.languages.join(', ') || 'none detected'}; package managers ${repo.packageManagers.join(', ') || 'none'}; tests present: ${repo.hasTests ? 'yes' : 'no'}.`,
    `Gates you may name in a task: ${input.knownGates.map((g) => `\`${g}\``).join(', ') || 'none'}.`,
    '',
    'Rules: task ids are kebab-case slugs; write sets are globs relative to the repository root and never include .git/ or .omk/;',
    'two tasks that may write the same file must depend on one another; every task has at least one acceptance criterion;',
    'prefer few tasks (one is fine for a small change). Do not publish, push or deploy anything.',
    '',
    'Answer with ONLY the JSON object, in this format (a ```json fence is fine):',
    GRAPH_FORMAT,
  ];
  if (input.problems) lines.push('', 'Your previous answer was rejected. Fix every problem and answer again with the whole graph:', input.problems);
  return `${lines.join('\n')}\n`;
}

export interface ExecutorPromptInput {
  goalId: string;
  request: string;
  graph: TaskGraph;
  task: Task;
  attempt: number;
  /** Gate name → command, for the task's gates. */
  gateCommands: ReadonlyArray<{ name: string; command: string }>;
  /** Feedback from earlier attempts, oldest first. */
  feedback: readonly string[];
}

export function executorPrompt(input: ExecutorPromptInput): string {
  const { task } = input;
  const others = input.graph.tasks.filter((t) => t.id !== task.id);
  const lines = [
    `${EXECUTOR_MARKER} ${task.id} (attempt ${input.attempt}) for goal ${input.goalId}.`,
    'You are working in a git worktree made for this task. Make the change, then check it with the gate commands below.',
    'Do not commit, push or switch branches: omk captures your changes, checks them against the write scope and commits them.',
    '',
    'The goal, verbatim:',
    ...input.request.split('\n').map((l) => `> ${l}`),
    '',
    `Your task: ${task.title}`,
    task.description,
    '',
    'Acceptance criteria:',
    ...task.acceptance.map((a) => `- ${a}`),
    '',
    `Write scope (you may only create, change or delete files matching): ${task.write_set.map((g) => `\`${g}\``).join(', ') || 'nothing'}.`,
    'Changes outside it are rejected and the attempt fails.',
    '',
    'Gates that judge this task (run them yourself before you finish):',
    ...(input.gateCommands.length > 0 ? input.gateCommands.map((g) => `- ${g.name}: \`${g.command}\``) : ['- none configured']),
  ];
  if (others.length > 0) lines.push('', 'Other tasks in the plan (not yours):', ...others.map((t) => `- ${t.id}: ${t.title}`));
  if (input.feedback.length > 0) {
    lines.push('', 'Earlier attempts failed. Feedback, oldest first:');
    input.feedback.forEach((f, i) => lines.push(`--- feedback ${i + 1} ---`, f));
  }
  lines.push('', 'When you are done, answer with one short paragraph saying what you changed.');
  return `${lines.join('\n')}\n`;
}

/**
 * The JSON text of a planner's answer: the first ```json (or bare ```) fence when there is one,
 * else everything from the first `{` to the last `}`. Undefined when there is no object at all.
 */
export function extractJsonText(answer: string): string | undefined {
  const fence = /```(?:json)?\s*\n([\s\S]*?)```/.exec(answer);
  if (fence && fence[1]!.trim().startsWith('{')) return fence[1]!.trim();
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  return start === -1 || end <= start ? undefined : answer.slice(start, end + 1);
}
