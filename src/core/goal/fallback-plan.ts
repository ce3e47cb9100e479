import type { GoalType, IntakeResult, RepoFacts } from './intake/types.js';
import { DEFAULT_MAX_RETRIES, TASK_GRAPH_VERSION, type Task, type TaskGraph, type TaskRisk, type TaskRole } from './task-graph/schema.js';

/**
 * The heuristic fallback planner: when no engine can plan, a small, valid plan from the intake alone —
 * one task over the whole repository (protected paths are always excluded), accepted when the oracle's
 * gates pass. Deterministic: the same input gives the same bytes. docs/task-graph.md, "Fallback plan".
 */
export interface FallbackPlanInput {
  goalId: string;
  intake: IntakeResult;
  repo: RepoFacts;
}

export interface FallbackPlan {
  prd: string;
  technicalPlan: string;
  testSpec: string;
  graph: TaskGraph;
}

interface Recipe {
  id: string;
  role: TaskRole;
  risk: TaskRisk;
  verb: string;
  outcome: string;
  criterion: string;
  steps: readonly string[];
}

const RECIPES: Readonly<Record<GoalType, Recipe>> = {
  feature: {
    id: 'implement-feature', role: 'executor', risk: 'medium', verb: 'Implement',
    outcome: 'The requested behaviour exists and is covered by tests.',
    criterion: 'Tests for the new behaviour are added and pass.',
    steps: ['Find where the behaviour belongs and read the surrounding code and tests.', 'Implement the behaviour in small steps.', 'Add tests that fail without the change and pass with it.'],
  },
  bugfix: {
    id: 'fix-bug', role: 'executor', risk: 'medium', verb: 'Fix',
    outcome: 'The reported bug no longer occurs, and a regression test keeps it from returning.',
    criterion: 'A regression test that fails without the fix is added and passes with it.',
    steps: ['Reproduce the bug with a failing test.', 'Find the cause; fix it at the cause, not at the symptom.', 'Keep the regression test.'],
  },
  refactor: {
    id: 'refactor-code', role: 'executor', risk: 'medium', verb: 'Refactor',
    outcome: 'The code is restructured as requested with behaviour unchanged.',
    criterion: 'No existing test is deleted, skipped or weakened.',
    steps: ['Read the code and the tests that pin its behaviour.', 'Restructure in small, behaviour-preserving steps.', 'Run the tests after each step.'],
  },
  migration: {
    id: 'migrate', role: 'executor', risk: 'high', verb: 'Migrate',
    outcome: 'The code runs on the new stack with its behaviour preserved.',
    criterion: 'Existing behaviour is preserved: no test is deleted, skipped or weakened to make it pass.',
    steps: ['Inventory what must move and what depends on it.', 'Migrate piece by piece, keeping the project building.', 'Port the tests along with the code.'],
  },
  tests: {
    id: 'write-tests', role: 'tester', risk: 'low', verb: 'Test',
    outcome: 'The requested tests exist, run under the test gate and pass.',
    criterion: 'The new tests run under the test gate, assert observable behaviour and pass; production code changes only where a test exposed a bug.',
    steps: ['Find the behaviour the tests must cover.', 'Write tests that assert observable outcomes (each able to fail).', 'Run them under the test gate.'],
  },
  docs: {
    id: 'update-docs', role: 'documenter', risk: 'low', verb: 'Document',
    outcome: 'The documentation says what the request asks, accurately.',
    criterion: 'Every statement in the changed documentation matches the code.',
    steps: ['Read the code the documentation describes.', 'Write or correct the documentation.', 'Check every example against the code.'],
  },
  performance: {
    id: 'improve-performance', role: 'executor', risk: 'medium', verb: 'Speed up',
    outcome: 'The measured operation is faster, as shown by the benchmark gate, with behaviour unchanged.',
    criterion: 'The benchmark gate shows the improvement and the tests still pass.',
    steps: ['Measure with the benchmark gate first.', 'Profile; change the hot path only.', 'Measure again and keep the tests green.'],
  },
  security: {
    id: 'harden-security', role: 'executor', risk: 'high', verb: 'Secure',
    outcome: 'The weakness is closed and a test exercises the attack.',
    criterion: 'A test reproduces the attack and shows it is now refused.',
    steps: ['Write a test that demonstrates the weakness.', 'Close it at the boundary where untrusted input enters.', 'Keep the test; add no secret to the repository.'],
  },
  greenfield: {
    id: 'create-project', role: 'executor', risk: 'high', verb: 'Create',
    outcome: 'The new project exists, builds and its own tests pass.',
    criterion: 'The project has tests of its main behaviour and they pass.',
    steps: ['Lay out the project with the conventional structure for its language.', 'Implement the smallest useful version.', 'Add tests and the commands the gates run.'],
  },
};

const SUMMARY_LENGTH = 60;

/** The request shortened to a title-sized summary at a word boundary. */
function summarize(normalized: string): string {
  if (normalized === '') return 'the goal';
  if (normalized.length <= SUMMARY_LENGTH) return normalized;
  const cut = normalized.slice(0, SUMMARY_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > 20 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const quote = (text: string): string => (text === '' ? '> (empty)' : text.split(/\r?\n/).map((l) => `> ${l}`.trimEnd()).join('\n'));
const bullets = (items: readonly string[]): string => items.map((i) => `- ${i}`).join('\n');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

export function fallbackPlan(input: FallbackPlanInput): FallbackPlan {
  const { intake, repo, goalId } = input;
  const recipe = RECIPES[intake.type];
  const summary = summarize(intake.normalized);
  const known = new Set(repo.gates.map((g) => g.name));
  const gates = intake.oracle.gates.filter((g) => known.has(g));
  const dropped = intake.oracle.gates.filter((g) => !known.has(g));
  const acceptance = [
    recipe.criterion,
    ...gates.map((g) => `Gate ${code(g)} passes.`),
    ...(intake.oracle.humanReview ? ['A human reviewer confirms the change is accurate and complete.'] : []),
  ];
  const task: Task = {
    id: recipe.id,
    title: `${recipe.verb}: ${summary}`,
    description: [
      `${recipe.outcome} ${recipe.steps.join(' ')}`,
      '',
      'The request, verbatim:',
      quote(intake.original),
      '',
      'Write scope: the whole repository except .git/ and .omk/. Do not publish, push or deploy.',
    ].join('\n'),
    role: recipe.role,
    depends_on: [],
    read_set: ['**'],
    write_set: ['**'],
    acceptance,
    risk: recipe.risk,
    max_retries: DEFAULT_MAX_RETRIES,
    gates,
  };
  const graph: TaskGraph = { version: TASK_GRAPH_VERSION, goal_id: goalId, tasks: [task] };
  return {
    prd: prd(intake, recipe, summary, acceptance),
    technicalPlan: technicalPlan(intake, repo, recipe, summary, task),
    testSpec: testSpec(intake, repo, recipe, summary, gates, dropped),
    graph,
  };
}

function prd(intake: IntakeResult, recipe: Recipe, summary: string, acceptance: readonly string[]): string {
  return [
    `# PRD: ${summary}`,
    '',
    `Goal type: ${intake.type} (confidence ${intake.confidence.toFixed(2)}). Planned by omk's heuristic fallback planner: no planning engine was available.`,
    '',
    '## Request',
    '',
    quote(intake.original),
    '',
    '## Outcome',
    '',
    recipe.outcome,
    '',
    '## Success criteria',
    '',
    bullets(acceptance),
    '',
    '## Out of scope',
    '',
    bullets(['Publishing, pushing, deploying or merging: delivery follows omk\'s policy.', 'Changes under .git/ and .omk/.']),
    '',
    '## Open questions',
    '',
    intake.testable ? '- None.' : `- ${intake.question ?? ''}`,
    '',
  ].join('\n');
}

function technicalPlan(intake: IntakeResult, repo: RepoFacts, recipe: Recipe, summary: string, task: Task): string {
  const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(', ') : 'none detected');
  return [
    `# Technical plan: ${summary}`,
    '',
    'Produced by the heuristic fallback planner: a single task over the whole repository, judged by the oracle.',
    '',
    '## Repository',
    '',
    bullets([`Languages: ${list(repo.languages)}`, `Package managers: ${list(repo.packageManagers)}`, `Tests present: ${repo.hasTests ? 'yes' : 'no'}`]),
    '',
    '## Approach',
    '',
    recipe.steps.map((s, i) => `${i + 1}. ${s}`).join('\n'),
    '',
    '## Tasks',
    '',
    '| id | role | risk | depends on | write set | gates |',
    '|---|---|---|---|---|---|',
    `| ${task.id} | ${task.role} | ${task.risk} | — | ${task.write_set.map(code).join(', ')} | ${task.gates.length > 0 ? task.gates.map(code).join(', ') : '—'} |`,
    '',
    `Type ${intake.type}: ${intake.oracle.rationale}.`,
    '',
  ].join('\n');
}

function testSpec(intake: IntakeResult, repo: RepoFacts, recipe: Recipe, summary: string, gates: readonly string[], dropped: readonly string[]): string {
  const rows = gates.map((g) => `| ${g} | ${code(repo.gates.find((x) => x.name === g)?.command ?? '')} |`);
  return [
    `# Test specification: ${summary}`,
    '',
    '## Oracle',
    '',
    `${intake.oracle.rationale}.`,
    '',
    ...(rows.length > 0 ? ['| gate | command |', '|---|---|', ...rows, ''] : ['No gate decides this goal.', '']),
    ...(dropped.length > 0 ? [`Not configured, so not run: ${dropped.join(', ')}.`, ''] : []),
    '## Checks',
    '',
    bullets([recipe.criterion, 'Gates run on the base commit first; failures there are recorded as the baseline.', 'Gates run again on the integrated tree before the verdict.']),
    '',
    '## Human review',
    '',
    intake.oracle.humanReview ? 'Required: no gate can judge this goal.' : 'Not required by the oracle; the review wall still runs.',
    '',
  ].join('\n');
}
