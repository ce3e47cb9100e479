import { createHash } from 'node:crypto';
import { extractJsonText, plannerPrompt } from '../../core/goal/controller/prompts.js';
import { fallbackPlan } from '../../core/goal/fallback-plan.js';
import type { IntakeResult, RepoFacts } from '../../core/goal/intake/types.js';
import { formatProblemsForPlanner, type GraphProblem } from '../../core/goal/task-graph/problems.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import { parseTaskGraphJson } from '../../core/goal/task-graph/schema.js';
import { checkTaskGraph } from '../../core/goal/task-graph/validate.js';
import { approverFor } from './approval.js';
import type { GoalScope } from './context.js';
import { record } from './context.js';
import { recordDecision } from './decisions.js';
import { readTextIfExists, transcriptFile, writeJsonAtomically, writeTextAtomically } from './goal-dir.js';
import { runBudgetedTurn } from './turn-guard.js';

/** How many times the planner is asked (the first ask included) before the heuristic plan is used. @default 3 */
export const DEFAULT_PLANNER_ASKS = 3;

export interface PlanOutcome {
  graph: TaskGraph;
  planner: 'engine' | 'fallback';
}

/**
 * Asks the planner engine (read-only) for a task graph, validating each answer and re-asking with
 * every problem; falls back to the deterministic heuristic plan when no engine can plan or it keeps
 * failing (a recorded decision either way). Writes prd.md, technical-plan.md, test-spec.md and
 * task-graph.json, creates the task rows, and records `goal.planned`.
 */
export async function runPlanning(scope: GoalScope, intake: IntakeResult, repo: RepoFacts, maxAsks = DEFAULT_PLANNER_ASKS): Promise<PlanOutcome> {
  const { rt, goalId } = scope;
  const knownGates = rt.gates.map((g) => g.name);
  const fallback = fallbackPlan({ goalId, intake, repo });
  let graph: TaskGraph | undefined;
  let asks = 0;
  let lastProblem = '';

  if (!rt.engine) {
    await recordDecision(scope, 'planner', 'heuristic fallback plan', 'no planning engine is configured');
  } else {
    const approve = approverFor(scope, rt.repoRoot, 'plan');
    let problems: GraphProblem[] | undefined;
    for (let ask = 1; ask <= maxAsks && !graph; ask++) {
      asks = ask;
      rt.progress(`planning: asking ${rt.engine.name} for a task graph (ask ${ask} of ${maxAsks})`);
      const ticket = await scope.budget?.admit('planner', '_planner');
      const { outcome, stop } = await runBudgetedTurn(scope, ticket, { source: 'planner' }, {
        role: 'planner',
        cwd: rt.repoRoot,
        prompt: plannerPrompt({ goalId, intake, repo, knownGates, ...(problems ? { problems: formatProblemsForPlanner(problems) } : {}) }),
        mode: 'plan',
        approve,
        transcriptFile: transcriptFile(scope.dir, '_planner', ask),
        signal: rt.signal,
        onActivity: (line) => rt.progress(`planner: ${line}`),
      });
      // The budget stopped the planner between model calls (recorded): the driver goes on to the proof.
      if (stop) throw stop;
      if (!outcome.started) {
        lastProblem = `the planner engine could not start: ${outcome.detail}`;
        break;
      }
      if (outcome.stopReason !== 'end_turn') {
        lastProblem = `the planner's turn ended with ${outcome.stopReason}${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''}`;
        problems = [{ code: 'invalid_json', path: '(root)', message: lastProblem }];
        continue;
      }
      const text = extractJsonText(outcome.text);
      const parsed = text === undefined ? undefined : parseTaskGraphJson(text);
      if (!parsed || !parsed.ok) {
        problems = parsed?.problems ?? [{ code: 'invalid_json', path: '(root)', message: 'the answer holds no JSON object' }];
      } else {
        // The goal id is omk's to assign, not the planner's to get right.
        const check = checkTaskGraph({ ...parsed.value, goal_id: goalId }, { knownGates, goalId });
        if (check.ok) graph = check.graph;
        else problems = check.problems;
      }
      if (problems && !graph) lastProblem = formatProblemsForPlanner(problems).split('\n')[0] ?? 'invalid task graph';
    }
    if (!graph) {
      await recordDecision(scope, 'planner', 'heuristic fallback plan', `the ${rt.engine.name} planner gave no valid task graph after ${asks} ask(s): ${lastProblem}`);
    } else {
      await recordDecision(scope, 'planner', `${rt.engine.name} task graph`, `accepted on ask ${asks} of ${maxAsks}`);
    }
  }

  const planner = graph ? 'engine' : 'fallback';
  const chosen = graph ?? fallback.graph;
  // The heuristic documents describe the goal, its oracle and the checks; with an engine plan the
  // technical plan lists the engine's tasks instead of the heuristic one.
  await writeTextAtomically(scope.dir.prd, fallback.prd);
  await writeTextAtomically(scope.dir.technicalPlan, planner === 'engine' ? engineTechnicalPlan(chosen, intake) : fallback.technicalPlan);
  await writeTextAtomically(scope.dir.testSpec, fallback.testSpec);
  const graphText = await writeJsonAtomically(scope.dir.taskGraph, chosen);
  await record(
    scope,
    'goal.planned',
    {
      planner,
      ...(planner === 'engine' && rt.engine ? { engine: rt.engine.name } : {}),
      asks,
      graph_sha256: createHash('sha256').update(graphText).digest('hex'),
      tasks: chosen.tasks.map((t) => ({ id: t.id, title: t.title, depends_on: t.depends_on, max_retries: t.max_retries })),
    },
    async (tx) => {
      for (const t of chosen.tasks) await tx.createTask({ goalId, id: t.id, title: t.title });
    },
  );
  rt.progress(`planned: ${chosen.tasks.length} task(s) by the ${planner === 'engine' ? `${rt.engine?.name ?? ''} planner` : 'heuristic fallback'}`);
  return { graph: chosen, planner };
}

/** The task graph the goal runs, read back from task-graph.json (validated). */
export async function loadTaskGraph(scope: GoalScope): Promise<TaskGraph | undefined> {
  const text = await readTextIfExists(scope.dir.taskGraph);
  if (text === undefined) return undefined;
  const parsed = parseTaskGraphJson(text);
  return parsed.ok ? parsed.value : undefined;
}

function engineTechnicalPlan(graph: TaskGraph, intake: IntakeResult): string {
  const code = (s: string): string => `\`${s}\``;
  return [
    '# Technical plan',
    '',
    `Planned by an agent in read-only mode for a ${intake.type} goal. Oracle: ${intake.oracle.gates.map(code).join(', ') || 'none'}.`,
    '',
    '| id | role | risk | depends on | write set | gates |',
    '|---|---|---|---|---|---|',
    ...graph.tasks.map(
      (t) => `| ${t.id} | ${t.role} | ${t.risk} | ${t.depends_on.join(', ') || '—'} | ${t.write_set.map(code).join(', ')} | ${t.gates.map(code).join(', ') || '—'} |`,
    ),
    '',
    ...graph.tasks.flatMap((t) => [`## ${t.id}: ${t.title}`, '', t.description, '', 'Acceptance:', ...t.acceptance.map((a) => `- ${a}`), '']),
  ].join('\n');
}
