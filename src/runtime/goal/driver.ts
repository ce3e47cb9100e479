import { describeError, isOmkError } from '../../core/errors.js';
import { applyEvent, type GoalLog } from '../../core/goal/controller/goal-log.js';
import { decideNextStep, DEFAULT_MAX_ROUNDS, type NextStep } from '../../core/goal/controller/next-step.js';
import { intakeRepoFacts } from '../../core/goal/controller/repo-facts.js';
import { normalizeRequest } from '../../core/goal/intake/normalize.js';
import type { IntakeResult, RepoFacts } from '../../core/goal/intake/types.js';
import type { GoalType } from '../../core/goal/intake/types.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import type { TaskStatus } from '../../core/store/types.js';
import type { ControllerRecord } from '../../core/store/controllers.js';
import type { StoreTx } from '../../core/store/store.js';
import type { ControlRequest } from '../../core/goal/controller/goal-log.js';
import { OmkError } from '../../core/errors.js';
import { ControllerSession, controllerAlive, describeController, recordCancel, recordPause, type ControllerHost } from './control.js';
import { ensureOmkExcluded } from '../config/git-exclude.js';
import { inspectRepo } from '../gates/inspect-repo.js';
import type { GoalRuntime, GoalScope } from './context.js';
import { record } from './context.js';
import { BudgetRefusedError, GoalBudget } from './budget.js';
import { executeTaskAttempt } from './execute-task.js';
import { AgentPool } from './agent-pool.js';
import { reclaimDeadLeases } from './lease-sweep.js';
import { currentGraph } from '../../core/goal/controller/graph-view.js';
import { singleStepAction, type SingleStep } from '../../core/goal/controller/single-step.js';
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
  /** Run one phase by hand and stop, the goal left paused (`omk goal execute|verify|review`). */
  only?: SingleStep;
  /** Agents this controller runs itself; the rest of maxAgents is left to `omk worker` processes. @default maxAgents */
  localAgents?: number;
}

export interface GoalRunResult {
  goalId: string;
  /** The verdict, `planned` after `planOnly`, or `interrupted`. */
  status: string;
  reason: string;
  proof?: ProofDocument;
}

/** A runaway guard: no goal needs anywhere near this many controller steps (waits included). */
const MAX_STEPS = 100_000;
/** How long the controller sleeps while tasks run, before looking at the log (and control requests) again. */
const WAIT_POLL_MS = 250;

/**
 * `omk goal run`: creates the goal, then loops — fold the log, ask the pure controller for the next
 * step, perform it (each step records its own events) — until the controller says finish. A step that
 * fails because omk's machinery failed (git, disk) is recorded as `goal.failed` and the goal ends
 * `failed_infra` with a proof saying so; Ctrl-C returns `interrupted` with the store consistent.
 */
export async function runGoal(rt: GoalRuntime, req: RunGoalRequest, control?: ControlContext): Promise<GoalRunResult> {
  await ensureOmkExcluded(rt.repoRoot, rt.env);
  await rt.store.transaction((tx) => tx.expireLeases());
  const scope = await createGoal(rt, req);
  rt.progress(`goal ${scope.goalId}: ${JSON.stringify(req.request)}`);
  if (!control) return drive(scope, req);
  await claimController(scope, control);
  return driveControlled(scope, req, control, (tx) => tx.appendEvent(scope.goalId, 'goal.controller_started', { owner: rt.owner, pid: control.host.pid, host: control.host.host, resumed: false }));
}

/** What a controller needs to be controllable from other processes (pause, cancel) and recoverable (resume). */
export interface ControlContext {
  host: ControllerHost;
  /** Who runs this controller, for events (`user@host (pid N)`). */
  by: string;
}

/** Takes charge of the goal in the store; refuses while another controller of it is alive. */
export async function claimController(scope: GoalScope, control: ControlContext): Promise<ControllerRecord | undefined> {
  const { rt, goalId } = scope;
  const claim = await control.host.registry.claim({ goalId, owner: rt.owner, pid: control.host.pid, host: control.host.host }, (c) => controllerAlive(c, control.host, rt.now()));
  if (!claim.ok) {
    throw new OmkError('failed', `goal ${goalId} is already being run by a live controller: ${describeController(claim.holder)}`, {
      hint: `wait for it, or stop it first with omk goal pause ${goalId}`,
    });
  }
  return claim.previous;
}

/**
 * Drives the goal while holding it: heartbeat, and pause/cancel requests from any process noticed within
 * a poll interval. A stop aborts the runtime's signal (agent turn, gates); the stop is then recorded
 * (`goal.paused` or `goal.cancelled`) and the controller's hold released.
 */
export async function driveControlled(scope: GoalScope, req: RunGoalRequest, control: ControlContext, started: (tx: StoreTx) => Promise<unknown>): Promise<GoalRunResult> {
  const { rt, goalId } = scope;
  const session = new ControllerSession(rt, control.host, goalId, 0);
  try {
    const seq = await rt.store.transaction(async (tx) => {
      await started(tx);
      return (await tx.eventHead(goalId)).seq;
    });
    session.resetSeen(seq);
    session.start();
    const signal = AbortSignal.any([rt.signal, session.signal]);
    const result = await drive({ ...scope, rt: { ...rt, signal } }, req, (c) => session.request(c));
    if (result.status === 'stepped') {
      // A single step leaves the goal paused, for the next step or `omk goal resume` to go on from.
      await rt.store.transaction((tx) => recordPause(tx, goalId, control.by, `single step done: ${result.reason}`));
      return { goalId, status: 'paused', reason: result.reason };
    }
    const stop = session.stopReason;
    if (!stop || result.status !== 'interrupted') return result;
    if (stop.kind === 'pause') {
      await rt.store.transaction((tx) => recordPause(tx, goalId, stop.by, stop.reason));
      return { goalId, status: 'paused', reason: `paused by ${stop.by}${stop.reason ? `: ${stop.reason}` : ''}; continue with omk goal resume ${goalId}` };
    }
    if (stop.kind === 'cancel') {
      await rt.store.transaction((tx) => recordCancel(tx, goalId, stop.by, stop.reason, rt.now()));
      return { goalId, status: 'cancelled', reason: `cancelled by ${stop.by}${stop.reason ? `: ${stop.reason}` : ''}` };
    }
    return { goalId, status: 'interrupted', reason: stop.reason ?? 'another controller took the goal over' };
  } finally {
    await session.close();
  }
}

export async function drive(scope: GoalScope, req: RunGoalRequest, onControl?: (request: ControlRequest) => void): Promise<GoalRunResult> {
  // Time counts against the budget only while a controller drives the goal.
  const budget = await GoalBudget.open(scope);
  try {
    return await driveSteps({ ...scope, budget }, req, onControl);
  } finally {
    await budget.stop().catch(() => undefined);
  }
}

async function driveSteps(scope: GoalScope, req: RunGoalRequest, onControl?: (request: ControlRequest) => void): Promise<GoalRunResult> {
  const { rt, goalId } = scope;
  const agents = new AgentPool(scope, req.localAgents ?? req.maxAgents);
  // Steps performed, for a single-step run (`omk goal execute|verify|review`).
  let performed = 0;
  let waitingSaid = false;
  let intake: IntakeOutcome | undefined;
  let lastProof: ProofDocument | undefined;
  const options = { maxAgents: req.maxAgents, untilReady: req.untilReady, maxRounds: req.maxRounds ?? DEFAULT_MAX_ROUNDS };
  try {
    // The driver's own copy of the folded log, brought up to date each step with only the events
    // committed since (by this process or any other): an indexed tail read, never a re-fold.
    const log = await rt.store.goalLog(goalId);
    for (let n = 0; n < MAX_STEPS; n++) {
      for (const e of await rt.store.readEventsAfter(goalId, log.lastSeq)) applyEvent(log, e);
      if (log.cancelled) return await agents.drained({ goalId, status: 'cancelled', reason: log.cancelled.reason ?? 'cancelled' });
      if (log.control && onControl) onControl(log.control);
      if (rt.signal.aborted || agents.interrupted) return await agents.drained({ goalId, status: 'interrupted', reason: 'interrupted; running tasks were put back in the queue' });
      const graph = log.plan ? await goalGraph(scope, log) : undefined;
      // Holders that died on this machine (a killed `omk worker`) give their tasks back at once.
      if (graph) await reclaimDeadLeases(scope);
      const statuses = new Map((await rt.store.listTasks(goalId)).map((t) => [t.id, t.status] as const));
      for (const id of agents.running) statuses.set(id, 'leased');
      let step = decideNextStep(log, graph, statuses, options);
      if (req.only) {
        const action = singleStepAction(req.only, step, performed, { planned: graph !== undefined, integrated: log.integration !== undefined });
        if (action.kind === 'refuse') throw new OmkError('failed', `omk goal ${req.only}: ${action.reason}`, { hint: `omk goal status ${goalId}` });
        if (action.kind === 'stop') return await agents.drained({ goalId, status: 'stepped', reason: action.reason });
        step = action.step;
      }
      if (agents.failed && (step.kind === 'execute' || step.kind === 'wait')) {
        // omk's own machinery failed in an attempt: start nothing more (it would fail the same way, forever);
        // let the running ones finish, then record the failure (the goal ends failed_infra with a proof).
        if (agents.running.size > 0) await agents.settle(WAIT_POLL_MS);
        else await recordPoolFailure(scope, agents.takeFailure());
        continue;
      }
      if (step.kind === 'execute') {
        performed += 1;
        const started = agents.start(step.taskIds, (taskId) => executeTaskAttempt(scope, graph!, taskId, log.intake!));
        if (started === 0 && req.localAgents === 0 && !waitingSaid) {
          waitingSaid = true;
          rt.progress(`${step.taskIds.length} task(s) ready and this controller runs no agents (--local-agents 0): start \`omk worker\` in this repository`);
        }
        if (started === 0) await agents.settle(WAIT_POLL_MS);
        continue;
      }
      if (step.kind === 'wait') {
        // Our own agents finishing, or another process's (an `omk worker`) releasing, moves the goal on.
        await agents.settle(WAIT_POLL_MS);
        continue;
      }
      // Every other step needs the task work finished — ours and any `omk worker`'s (a budget refusal or a
      // blocker mid-round lets the running attempts finish; their results belong in the proof).
      const othersHold = [...statuses.entries()].some(([id, st]) => st === 'leased' && !agents.running.has(id));
      if (agents.running.size > 0 || othersHold) {
        await agents.settle(WAIT_POLL_MS);
        continue;
      }
      if (agents.failed) {
        await recordPoolFailure(scope, agents.takeFailure());
        continue;
      }
      if (step.kind === 'finish') return { goalId, status: step.status, reason: step.reason, ...(lastProof ? { proof: lastProof } : {}) };
      if (req.planOnly && log.plan) return { goalId, status: 'planned', reason: `${log.plan.tasks.length} task(s) planned by the ${log.plan.planner}` };
      try {
        performed += 1;
        const outcome = await perform(scope, step, { log, graph, statuses, req, intake: () => intake ?? resumeIntake(scope, log) });
        if (outcome?.intake) intake = outcome.intake;
        if (outcome?.proof) lastProof = outcome.proof;
      } catch (error) {
        // The budget refused an agent turn (recorded as budget.exhausted): the next step is the proof.
        if (error instanceof BudgetRefusedError) continue;
        if (rt.signal.aborted || (isOmkError(error) && error.code === 'interrupted')) {
          return { goalId, status: 'interrupted', reason: 'interrupted; the goal stays as recorded' };
        }
        if (step.kind === 'prove') throw error;
        await record(scope, 'goal.failed', { reason: `${step.kind}: ${describeError(error)}` });
        rt.progress(`${step.kind} failed: ${describeError(error)}`);
      }
    }
    await record(scope, 'goal.failed', { reason: `the controller took more than ${MAX_STEPS} steps` });
  } finally {
    await agents.drain();
  }
  return drive(scope, req);
}

async function recordPoolFailure(scope: GoalScope, failure: unknown): Promise<void> {
  await record(scope, 'goal.failed', { reason: `execute: ${describeError(failure)}` });
  scope.rt.progress(`execute failed: ${describeError(failure)}`);
}

/** Planned graphs already read, by file and the digest `goal.planned` recorded: the file does not change after planning. */
const plannedGraphs = new Map<string, TaskGraph>();

/** The planned graph plus tasks added since (fix tasks, accepted proposals). */
export async function goalGraph(scope: GoalScope, log: GoalLog): Promise<TaskGraph | undefined> {
  const key = `${scope.dir.taskGraph}\0${log.plan?.graph_sha256 ?? ''}`;
  let planned = plannedGraphs.get(key);
  if (!planned) {
    planned = await loadTaskGraph(scope);
    if (planned && log.plan) {
      if (plannedGraphs.size > 64) plannedGraphs.clear();
      plannedGraphs.set(key, planned);
    }
  }
  return planned ? currentGraph(planned, log) : undefined;
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
}

async function perform(scope: GoalScope, step: Exclude<NextStep, { kind: 'finish' | 'execute' | 'wait' }>, i: StepInputs): Promise<StepOutcome | undefined> {
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
