import { PROPOSAL_MARKER } from '../proposals/extract.js';
import type { ReviewWall } from '../../proof/evidence.js';
import { REVIEW_SECTIONS } from '../../proof/evidence.js';
import type { IntakeResult, RepoFacts } from '../intake/types.js';
import type { Task, TaskGraph } from '../task-graph/schema.js';

/**
 * The text omk sends to agents. Pure string builders, so prompts are reviewable in tests and the
 * same inputs always give the same prompt (recorded transcripts replay against them).
 */

export const PLANNER_MARKER = 'OMK-PLANNER-REQUEST';
export const EXECUTOR_MARKER = 'OMK-TASK-REQUEST';
export const REVIEWER_MARKER = 'OMK-REVIEW-REQUEST';
export const TEAM_MARKER = 'OMK-TEAM-REQUEST';

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
    "each task is judged by its gates on its own worktree, which holds the base plus its dependencies' work only: a task whose",
    'gates can pass only after another task\'s change (e.g. anything gated by a test that fails until the bug is fixed) must',
    'depend on that task; prefer few tasks (one is fine for a small change). Do not publish, push or deploy anything.',
    '',
    'Answer with ONLY the JSON object, in this format (a ```json fence is fine):',
    GRAPH_FORMAT,
  ];
  if (input.problems) lines.push('', 'Your previous answer was rejected. Fix every problem and answer again with the whole graph:', input.problems);
  return `${lines.join('\n')}\n`;
}

export interface DecomposePromptInput extends PlannerPromptInput {
  /** The most slices (one agent each, all at once). */
  workers: number;
  /** The role every slice gets. */
  role: string;
}

/** A team run's one read-only turn: split the task into at most `workers` independent slices (disjoint write sets). */
export function decomposePrompt(input: DecomposePromptInput): string {
  const { intake } = input;
  const lines = [
    `${TEAM_MARKER} for goal ${input.goalId}: split into at most ${input.workers} slice(s) for ${input.role} agents.`,
    `A team of up to ${input.workers} ${input.role} agent(s) will work on this task at once, each in its own git worktree. Read the`,
    'repository (you are read-only: do not edit anything), then split the task into at most that many slices.',
    '',
    'The task, verbatim:',
    ...intake.original.split('\n').map((l) => `> ${l}`),
    '',
    `Gates that judge the result: ${intake.oracle.gates.map((g) => `\`${g}\``).join(', ') || 'none'}. Gates you may name in a slice: ${input.knownGates.map((g) => `\`${g}\``).join(', ') || 'none'}.`,
    '',
    'Rules: the slices run at the same time, so none may depend on another (depends_on stays empty) and no two may write',
    'the same file: their write sets (globs relative to the repository root, never under .git/ or .omk/) must be disjoint.',
    'Each slice is judged by its gates alone, on the base plus its own change: work whose gates cannot pass until another',
    "slice's change lands (e.g. anything gated by a test that fails until the bug is fixed) belongs in that same slice.",
    `Fewer slices are fine (one, when the task does not split); never more than ${input.workers}. Ids are kebab-case slugs; every`,
    `slice has at least one acceptance criterion; "role" is "${input.role}". Do not publish, push or deploy anything.`,
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
  lines.push(
    '',
    'If the goal needs follow-up work outside your write scope, do not do it: propose it at the end of your answer, one line each, as',
    `${PROPOSAL_MARKER} {"id": "kebab-case-id", "title": "…", "description": "…", "write_set": ["path/glob"], "acceptance": ["…"], "depends_on": ["${task.id}"]}`,
    'omk validates proposals like the plan and runs the accepted ones as new tasks.',
  );
  lines.push('', 'When you are done, answer with one short paragraph saying what you changed.');
  return `${lines.join('\n')}\n`;
}

/** How much of the combined patch goes into the reviewer's prompt. @default 60 000 characters */
export const DEFAULT_REVIEW_PATCH_CHARS = 60_000;

export interface ReviewerPromptInput {
  goalId: string;
  /** The goal as the user asked it. */
  request: string;
  baseSha: string;
  headSha: string;
  /** The changed files, e.g. `{status: 'M', path: 'src/a.ts'}`. */
  files: ReadonlyArray<{ status: string; path: string }>;
  /** `git diff base..head`. */
  patch: string;
  /** What omk's deterministic checks concluded, shown so the reviewer judges what they cannot. */
  checks?: ReviewWall;
  /** The plan's acceptance criteria (`<task>#<n>` ids), each to be judged met, unmet or unclear. */
  criteria?: ReadonlyArray<{ id: string; criterion: string }>;
  /** @default DEFAULT_REVIEW_PATCH_CHARS */
  maxPatchChars?: number;
}

/**
 * The reviewer's prompt: the goal, the combined diff (cut at a line boundary with a note when it is
 * longer than `maxPatchChars`) and a request for one JSON opinion per review-wall section.
 */
export function reviewerPrompt(input: ReviewerPromptInput): string {
  const max = input.maxPatchChars ?? DEFAULT_REVIEW_PATCH_CHARS;
  const patch = truncatePatch(input.patch, max);
  const lines = [
    `${REVIEWER_MARKER} for goal ${input.goalId}, commit ${input.headSha}.`,
    'You are reviewing a finished software change before omk decides whether it is ready. You are read-only: do not edit,',
    'create or delete anything and do not run commands that change state. Your working directory is the repository at the',
    'reviewed commit; read files there when the diff is not enough.',
    '',
    'The goal, verbatim:',
    ...input.request.split('\n').map((l) => `> ${l}`),
    '',
    `The change: ${input.baseSha.slice(0, 12)}..${input.headSha.slice(0, 12)}, ${input.files.length} file(s) changed:`,
    ...(input.files.length > 0 ? input.files.map((f) => `- ${f.status} ${f.path}`) : ['- (none: the diff is empty)']),
  ];
  if (input.checks) {
    lines.push('', "omk's deterministic checks (secret scan, diff size, test deletions/skips/weakening, new dependencies, stub and conflict markers) found:");
    for (const name of REVIEW_SECTIONS) {
      const s = input.checks[name];
      const notes = [...s.gaps, ...s.risks].slice(0, 3);
      lines.push(`- ${name}: ${s.status}${notes.length > 0 ? ` — ${notes.join('; ')}` : ''}`);
    }
  }
  lines.push(
    '',
    'Judge each section:',
    '- architect: is the design sound and in keeping with the codebase; is the change the right size for the goal?',
    '- code: correctness, edge cases, error handling, readability.',
    '- tests: do tests prove the goal; were any weakened, skipped or deleted?',
    '- security: secrets, injection, unsafe input handling, permissions.',
    '- performance: regressions, needless work, complexity.',
    '- anti_slop: stubs, placeholders, dead code, comments that restate code, changes unrelated to the goal.',
    'Status: "pass" (nothing wrong), "warn" (acceptable, with risks), "fail" (must change before the goal is ready; say what in gaps).',
  );
  const criteria = input.criteria ?? [];
  if (criteria.length > 0) {
    lines.push(
      '',
      "The plan's acceptance criteria. For each, say whether the change meets it: \"met\" (and what shows it), \"unmet\" (and what is",
      'missing), or "unclear" when you cannot tell from the repository and the diff:',
      ...criteria.map((c) => `- ${c.id}: ${c.criterion.replace(/\s+/g, ' ')}`),
    );
  }
  lines.push(
    '',
    `Answer with ONLY this JSON object (a \`\`\`json fence is fine), one entry for each of the six sections${criteria.length > 0 ? ' and each criterion' : ''}:`,
    '{',
    '  "sections": {',
    '    "architect": { "status": "pass | warn | fail", "notes": "one paragraph", "evidence": ["what you checked"], "risks": [], "gaps": [] },',
    '    "code": { ... }, "tests": { ... }, "security": { ... }, "performance": { ... }, "anti_slop": { ... }',
    `  }${criteria.length > 0 ? ',' : ''}`,
    ...(criteria.length > 0 ? [`  "acceptance": [ { "id": "${criteria[0]!.id}", "status": "met | unmet | unclear", "evidence": "what shows it" }, ... ]`] : []),
    '}',
    '',
    'The combined diff:',
    '```diff',
    patch.text,
    '```',
  );
  if (patch.truncated) lines.push(patch.note);
  return `${lines.join('\n')}\n`;
}

function truncatePatch(patch: string, max: number): { text: string; truncated: boolean; note: string } {
  const body = patch.endsWith('\n') ? patch.slice(0, -1) : patch;
  if (body.length <= max) return { text: body, truncated: false, note: '' };
  const cut = body.lastIndexOf('\n', max);
  const text = body.slice(0, cut > 0 ? cut : max);
  return {
    text,
    truncated: true,
    note: `[omk: the diff is ${body.length} characters; only the first ${text.length} are shown. Read the changed files in your working directory for the rest.]`,
  };
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
