import { hasPerTaskLimits, type BudgetLimits, type PerTaskLimits } from '../../core/budget/index.js';
import { OmkError } from '../../core/errors.js';
import { intakeRepoFacts } from '../../core/goal/controller/repo-facts.js';
import { assessIntake } from '../../core/goal/intake/intake.js';
import type { IntakeResult, RepoFacts } from '../../core/goal/intake/types.js';
import type { TeamSpec } from '../../core/goal/team.js';
import { newGoalId } from '../../core/goal/controller/goal-id.js';
import { inspectRepo } from '../gates/inspect-repo.js';
import { currentBranch, resolveCommit, tryResolveCommit } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import { gitContext, scopeOf, type GoalRuntime, type GoalScope } from './context.js';
import { writeJsonAtomically } from './goal-dir.js';
import { changeStatus } from './status.js';

export interface GoalRequest {
  /** The request, verbatim. */
  request: string;
  /** `--base REF`. @default HEAD */
  base?: string;
  /** `--gates a,b`: replaces the oracle's own choice. */
  gates?: readonly string[];
  /** `--gate NAME=COMMAND` gates (already part of the runtime's gates); recorded in goal.json so a resume runs them too. */
  gateCommands?: Readonly<Record<string, string>>;
  maxAgents: number;
  untilReady: boolean;
  /** Budget limits (flags over config `[budget]`) and per-task limits; recorded as `budget.set` when any is set. */
  budget?: { limits: BudgetLimits; source: string; perTask?: PerTaskLimits };
  /** A goal id chosen in advance (`goal run --detach` names the goal before its controller starts). */
  goalId?: string;
  /** `--policy` / `--merge-policy` as resolved at the start; recorded in goal.json so a resume delivers the same way. */
  delivery?: { policy: string; mergePolicy: string };
  /** `omk team run N:ROLE`: no blocking question at intake, and a decomposition instead of a plan (recorded on the intake event and in goal.json). */
  team?: TeamSpec;
}

/** Creates the goal row, its `goal.created` event and goal.json. Unknown `--gates` names are a usage error before anything is written. */
export async function createGoal(rt: GoalRuntime, req: GoalRequest): Promise<GoalScope> {
  if (req.request.trim() === '') throw new OmkError('usage', 'goal: the request is empty', { hint: 'omk goal run "fix the failing test in math.js"' });
  const known = new Set(rt.gates.map((g) => g.name));
  const unknown = (req.gates ?? []).filter((g) => !known.has(g));
  if (unknown.length > 0) {
    throw new OmkError('usage', `unknown gate(s): ${unknown.join(', ')}`, { hint: `configured or detected gates here: ${[...known].join(', ') || 'none'} (omk gates list)` });
  }
  await checkGoalBase(gitContext(rt), req.base);
  const goalId = req.goalId ?? newGoalId(rt.now(), rt.randomHex());
  const scope = scopeOf(rt, goalId);
  await rt.store.transaction(async (tx) => {
    await tx.createGoal({ id: goalId, prompt: req.request });
    await tx.appendEvent(goalId, 'goal.created', { goal_id: goalId, prompt: req.request });
    const limits = req.budget?.limits;
    const perTask = hasPerTaskLimits(req.budget?.perTask) ? req.budget.perTask : undefined;
    if (req.budget && limits && (limits.time_ms !== null || limits.tokens !== null || limits.usd_micros !== null || perTask)) {
      await tx.appendEvent(goalId, 'budget.set', { limits, source: req.budget.source, ...(perTask ? { per_task: perTask } : {}) });
    }
  });
  await writeGoalJson(scope, req, undefined, undefined);
  return scope;
}

/**
 * Every goal starts from a commit: a repository without one, or a `--base` that names none, is a usage
 * error before the goal is recorded (intake could only fail the same way on every try).
 */
export async function checkGoalBase(git: GitContext, base: string | undefined): Promise<void> {
  if (await tryResolveCommit(git, base ?? 'HEAD')) return;
  if ((await tryResolveCommit(git, 'HEAD')) === undefined) {
    throw new OmkError('usage', `the repository at ${git.cwd} has no commit yet: a goal starts from a commit${base ? ` (and --base ${base} names none)` : ''}`, {
      hint: 'commit the current state first: git add -A && git commit -m "initial commit"',
    });
  }
  throw new OmkError('usage', `--base ${base}: no commit named "${base}" in ${git.cwd}`, {
    hint: 'name a branch, tag or commit that exists (git branch -a, git log -1 REF); fetch it first if it lives on a remote',
  });
}

export interface IntakeOutcome {
  intake: IntakeResult;
  repo: RepoFacts;
  baseSha: string;
  baseRef: string;
}

/** Classifies, inspects the repository, picks the oracle and pins the base commit; an untestable goal gets its question. */
export async function runIntake(scope: GoalScope, req: GoalRequest, engineName: string): Promise<IntakeOutcome> {
  const { rt } = scope;
  const git = gitContext(rt);
  const baseSha = await resolveCommit(git, req.base ?? 'HEAD');
  const baseRef = req.base ?? (await currentBranch(git)) ?? 'HEAD';
  const facts = await inspectRepo(rt.repoRoot, rt.env);
  const repo = intakeRepoFacts(facts, rt.gates.map((g) => ({ name: g.name, command: g.command })));
  const intake = assessIntake({ request: req.request, repo, ...(req.gates && req.gates.length > 0 ? { gates: req.gates } : {}), ...(req.team ? { askQuestions: false } : {}) });
  await rt.store.transaction(async (tx) => {
    await changeStatus(tx, scope.goalId, 'planning');
    await tx.appendEvent(scope.goalId, 'goal.intake_assessed', {
      type: intake.type,
      confidence: intake.confidence,
      testable: intake.testable,
      ...(intake.question !== undefined ? { question: intake.question } : {}),
      oracle: { gates: intake.oracle.gates, rationale: intake.oracle.rationale, human_review: intake.oracle.humanReview },
      base_ref: baseRef,
      base_sha: baseSha,
      languages: [...repo.languages],
      gates: repo.gates.map((g) => g.name),
      max_agents: req.maxAgents,
      until_ready: req.untilReady,
      engine: engineName,
      ...(req.team ? { team: { workers: req.team.workers, role: req.team.role } } : {}),
    });
    if (!intake.testable) await tx.appendEvent(scope.goalId, 'goal.question_asked', { question_id: 'q1', question: intake.question ?? '' });
  });
  await writeGoalJson(scope, req, intake, { ref: baseRef, sha: baseSha });
  return { intake, repo, baseSha, baseRef };
}

async function writeGoalJson(scope: GoalScope, req: GoalRequest, intake: IntakeResult | undefined, base: { ref: string; sha: string } | undefined): Promise<void> {
  const goal = await scope.rt.store.getGoal(scope.goalId);
  await writeJsonAtomically(scope.dir.goalJson, {
    version: 1,
    id: scope.goalId,
    request: req.request,
    created_at: goal?.createdAt ?? null,
    base: base ?? null,
    options: {
      max_agents: req.maxAgents,
      until_ready: req.untilReady,
      gates: req.gates ?? null,
      gate_commands: req.gateCommands ?? null,
      policy: req.delivery?.policy ?? null,
      merge_policy: req.delivery?.mergePolicy ?? null,
      team: req.team ? { workers: req.team.workers, role: req.team.role } : null,
    },
    intake: intake
      ? {
          type: intake.type,
          confidence: intake.confidence,
          normalized: intake.normalized,
          testable: intake.testable,
          question: intake.question ?? null,
          oracle: intake.oracle,
          signals: intake.signals,
        }
      : null,
  });
}
