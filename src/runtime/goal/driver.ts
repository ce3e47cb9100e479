import { describeError, isOmkError } from '../../core/errors.js';
import { foldGoalLog, type GoalLog } from '../../core/goal/controller/goal-log.js';
import { decideNextStep, DEFAULT_MAX_ROUNDS, type NextStep } from '../../core/goal/controller/next-step.js';
import { intakeRepoFacts } from '../../core/goal/controller/repo-facts.js';
import { normalizeRequest } from '../../core/goal/intake/normalize.js';
import type { IntakeResult, RepoFacts } from '../../core/goal/intake/types.js';
import type { GoalType } from '../../core/goal/intake/types.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import type { TaskStatus } from '../../core/store/types.js';
import { ensureOmkExcluded } from '../config/git-exclude.js';
import { inspectRepo } from '../gates/inspect-repo.js';
import type { GoalRuntime, GoalScope } from './context.js';
import { record } from './context.js';
import { executeTaskAttempt } from './execute-task.js';
import { createGoal, runIntake, type GoalRequest, type IntakeOutcome } from './intake.js';
import { runBaseline, runIntegration } from './integrate.js';
import { loadTaskGraph, runPlanning } from './planning.js';
import { writeGoalProof } from './proof.js';
import { runReview } from './review.js';
import { changeStatus } from './status.js';

export interface RunGoalRequest extends GoalRequest {
  /** Stop after planning (`omk goal plan`). */
  planOnly?: boolean;
  /** until-ready rounds, the first included. @default DEFAULT_MAX_ROUNDS */
  maxRounds?: number;
}

export interface GoalRunResult {
  goalId: string;
  /** The verdict, `planned` after `planOnly`, or `interrupted`. */
  status: string;
  reason: string;
  proof?: ProofDocument;
}

/** A runaway guard: no goal of this slice needs anywhere near this many controller steps. */
const MAX_STEPS = 1000;

/**
 * `omk goal run`: creates the goal, then loops — fold the log, ask the pure controller for the next
 * step, perform it (each step records its own events) — until the controller says finish. A step that
 * fails because omk's machinery failed (git, disk) is recorded as `goal.failed` and the goal ends
 * `failed_infra` with a proof saying so; Ctrl-C returns `interrupted` with the store consistent.
 */
export async function runGoal(rt: GoalRuntime, req: RunGoalRequest): Promise<GoalRunResult> {
  await ensureOmkExcluded(rt.repoRoot, rt.env);
  await rt.store.transaction((tx) => tx.expireLeases());
  const scope = await createGoal(rt, req);
  rt.progress(`goal ${scope.goalId}: ${JSON.stringify(req.request)}`);
  return drive(scope, req);
}

async function drive(scope: GoalScope, req: RunGoalRequest): Promise<GoalRunResult> {
  const { rt, goalId } = scope;
  let intake: IntakeOutcome | undefined;
  let lastProof: ProofDocument | undefined;
  const options = { maxAgents: req.maxAgents, untilReady: req.untilReady, maxRounds: req.maxRounds ?? DEFAULT_MAX_ROUNDS };
  for (let n = 0; n < MAX_STEPS; n++) {
    if (rt.signal.aborted) return { goalId, status: 'interrupted', reason: 'interrupted; the goal stays as recorded' };
    const log = foldGoalLog(await rt.store.readEvents(goalId));
    const graph = log.plan ? await loadTaskGraph(scope) : undefined;
    const statuses = new Map((await rt.store.listTasks(goalId)).map((t) => [t.id, t.status] as const));
    const step = decideNextStep(log, graph, statuses, options);
    if (step.kind === 'finish') return { goalId, status: step.status, reason: step.reason, ...(lastProof ? { proof: lastProof } : {}) };
    if (req.planOnly && log.plan) return { goalId, status: 'planned', reason: `${log.plan.tasks.length} task(s) planned by the ${log.plan.planner}` };
    try {
      const outcome = await perform(scope, step, { log, graph, statuses, req, intake: () => intake ?? resumeIntake(scope, log) });
      if (outcome?.intake) intake = outcome.intake;
      if (outcome?.proof) lastProof = outcome.proof;
      if (outcome?.interrupted) return { goalId, status: 'interrupted', reason: 'interrupted during a task; it was put back in the queue' };
      if (outcome?.stop) return { goalId, status: 'running', reason: outcome.stop };
    } catch (error) {
      if (rt.signal.aborted || (isOmkError(error) && error.code === 'interrupted')) {
        return { goalId, status: 'interrupted', reason: 'interrupted; the goal stays as recorded' };
      }
      if (step.kind === 'prove') throw error;
      await record(scope, 'goal.failed', { reason: `${step.kind}: ${describeError(error)}` });
      rt.progress(`${step.kind} failed: ${describeError(error)}`);
    }
  }
  await record(scope, 'goal.failed', { reason: `the controller took more than ${MAX_STEPS} steps` });
  return drive(scope, req);
}

interface StepInputs {
  log: GoalLog;
  graph: TaskGraph | undefined;
  statuses: ReadonlyMap<string, TaskStatus>;
  req: RunGoalRequest;
  intake: () => Promise<IntakeOutcome> | IntakeOutcome;
}

interface StepOutcome {
  intake?: IntakeOutcome;
  proof?: ProofDocument;
  interrupted?: boolean;
  stop?: string;
}

async function perform(scope: GoalScope, step: Exclude<NextStep, { kind: 'finish' }>, i: StepInputs): Promise<StepOutcome | undefined> {
  const { rt, goalId } = scope;
  switch (step.kind) {
    case 'intake': {
      const intake = await runIntake(scope, i.req, rt.engine?.name ?? '(none)');
      rt.progress(`intake: ${intake.intake.type} (confidence ${intake.intake.confidence}), ${intake.intake.testable ? `oracle ${intake.intake.oracle.gates.join(', ')}` : `not testable: ${intake.intake.question ?? ''}`}`);
      return { intake };
    }
    case 'plan': {
      const intake = await i.intake();
      await runPlanning(scope, intake.intake, intake.repo);
      return { intake };
    }
    case 'baseline':
      await runBaseline(scope, i.log.intake!);
      return undefined;
    case 'execute': {
      const result = await executeTaskAttempt(scope, i.graph!, step.taskId, i.log, i.log.intake!);
      if (result === 'interrupted') return { interrupted: true };
      if (result === 'not_leased') return { stop: `task ${step.taskId} could not be leased (another controller holds it)` };
      return undefined;
    }
    case 'wait':
      return { stop: `task(s) ${step.taskIds.join(', ')} are leased by another worker` };
    case 'integrate':
      await runIntegration(scope, i.graph!, i.log.intake!, i.log, i.statuses);
      return undefined;
    case 'review':
      await runReview(scope, i.log.intake!, i.log);
      return undefined;
    case 'prove':
      return { proof: await writeGoalProof(scope, i.log, i.graph, i.statuses) };
    case 'next_round':
      await rt.store.transaction(async (tx) => {
        for (const id of step.requeue) await tx.updateTaskStatus({ goalId, taskId: id }, 'queued');
        await changeStatus(tx, goalId, 'running', `until-ready round ${step.round}`);
        await tx.appendEvent(goalId, 'goal.round_started', { round: step.round, requeued: step.requeue, reason: step.reason });
      });
      rt.progress(`until-ready: round ${step.round}, retrying ${step.requeue.join(', ')}`);
      return undefined;
  }
}

/** The intake as recorded, for a controller that did not run it (resume). Repository facts are gathered again. */
async function resumeIntake(scope: GoalScope, log: GoalLog): Promise<IntakeOutcome> {
  const f = log.intake!;
  const facts = await inspectRepo(scope.rt.repoRoot, scope.rt.env);
  const repo: RepoFacts = intakeRepoFacts(facts, scope.rt.gates.map((g) => ({ name: g.name, command: g.command })));
  const prompt = log.prompt ?? '';
  const intake: IntakeResult = {
    original: prompt,
    normalized: normalizeRequest(prompt),
    type: f.type as GoalType,
    confidence: f.confidence,
    signals: [],
    testable: f.testable,
    ...(f.question !== undefined ? { question: f.question } : {}),
    oracle: { gates: f.oracle.gates, rationale: f.oracle.rationale, humanReview: f.oracle.human_review },
  };
  return { intake, repo, baseSha: f.base_sha, baseRef: f.base_ref };
}
