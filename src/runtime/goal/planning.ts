import { liveReporter } from './live.js';
import { createHash } from 'node:crypto';
import { decomposePrompt, extractJsonText, plannerPrompt } from '../../core/goal/controller/prompts.js';
import { fallbackPlan } from '../../core/goal/fallback-plan.js';
import { recordedTeamSpec, withTeamRole, type TeamSpec } from '../../core/goal/team.js';
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
 *
 * A team run (`team`, else as its intake event recorded it) decomposes instead: the engine is asked for
 * at most `workers` independent slices with disjoint write sets, every task gets the team's role, the
 * fallback is the one heuristic task, and only task-graph.json (and decisions) are written.
 */
export async function runPlanning(scope: GoalScope, intake: IntakeResult, repo: RepoFacts, maxAsks = DEFAULT_PLANNER_ASKS, team?: TeamSpec): Promise<PlanOutcome> {
  const { rt, goalId } = scope;
  team ??= await recordedTeam(scope);
  const knownGates = rt.gates.map((g) => g.name);
  const heuristic = fallbackPlan({ goalId, intake, repo });
  const fallback = team ? { ...heuristic, graph: withTeamRole(heuristic.graph, team.role) } : heuristic;
  const what = team ? `a split into at most ${team.workers} ${team.role} slice(s)` : 'a task graph';
  let graph: TaskGraph | undefined;
  let asks = 0;
  let lastProblem = '';

  if (!rt.engine) {
    await recordDecision(scope, 'planner', fallbackChoice(team), 'no planning engine is configured');
  } else {
    const approve = approverFor(scope, rt.repoRoot, 'plan');
    let problems: GraphProblem[] | undefined;
    for (let ask = 1; ask <= maxAsks && !graph; ask++) {
      asks = ask;
      rt.progress(`planning: asking ${rt.engine.name} for ${what} (ask ${ask} of ${maxAsks})`);
      const ticket = await scope.budget?.admit('planner', '_planner');
      const { outcome, stop } = await runBudgetedTurn(scope, ticket, { source: 'planner' }, {
        role: 'planner',
        cwd: rt.repoRoot,
        prompt: promptFor(team, { goalId, intake, repo, knownGates, ...(problems ? { problems: formatProblemsForPlanner(problems) } : {}) }),
        mode: 'plan',
        approve,
        transcriptFile: transcriptFile(scope.dir, '_planner', ask),
        signal: rt.signal,
        onActivity: (line) => rt.progress(`planner: ${line}`),
        onLive: (activity) => liveReporter(rt, goalId, { role: 'planner' }).report(activity),
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
        // The goal id (and a team's role) is omk's to assign, not the planner's to get right.
        const answer = { ...parsed.value, goal_id: goalId };
        const check = team
          ? checkTaskGraph(withTeamRole(answer, team.role), { knownGates, goalId, maxTasks: team.workers, independent: true })
          : checkTaskGraph(answer, { knownGates, goalId });
        if (check.ok) graph = check.graph;
        else problems = check.problems;
      }
      if (problems && !graph) lastProblem = formatProblemsForPlanner(problems).split('\n')[0] ?? 'invalid task graph';
    }
    if (!graph) {
      await recordDecision(scope, 'planner', fallbackChoice(team), `the ${rt.engine.name} planner gave no valid ${team ? 'split' : 'task graph'} after ${asks} ask(s): ${lastProblem}`);
    } else {
      const choice = team ? `${rt.engine.name} split into ${graph.tasks.length} ${team.role} slice(s)` : `${rt.engine.name} task graph`;
      await recordDecision(scope, 'planner', choice, `accepted on ask ${asks} of ${maxAsks}`);
    }
  }

  const planner = graph ? 'engine' : 'fallback';
  const chosen = graph ?? fallback.graph;
  // The heuristic documents describe the goal, its oracle and the checks; with an engine plan the
  // technical plan lists the engine's tasks instead of the heuristic one. A team run has no planning documents.
  if (!team) {
    await writeTextAtomically(scope.dir.prd, fallback.prd);
    await writeTextAtomically(scope.dir.technicalPlan, planner === 'engine' ? engineTechnicalPlan(chosen, intake) : fallback.technicalPlan);
    await writeTextAtomically(scope.dir.testSpec, fallback.testSpec);
  }
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

function promptFor(team: TeamSpec | undefined, input: Parameters<typeof plannerPrompt>[0]): string {
  return team ? decomposePrompt({ ...input, workers: team.workers, role: team.role }) : plannerPrompt(input);
}

function fallbackChoice(team: TeamSpec | undefined): string {
  return team ? `one ${team.role} task for the whole request (team fallback)` : 'heuristic fallback plan';
}

/** The team of a team run, as its intake event recorded it; undefined for any other goal. */
async function recordedTeam(scope: GoalScope): Promise<TeamSpec | undefined> {
  const intake = (await scope.rt.store.readEvents(scope.goalId)).filter((e) => e.type === 'goal.intake_assessed').at(-1);
  return recordedTeamSpec((intake?.payload as { team?: unknown } | undefined)?.team);
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
