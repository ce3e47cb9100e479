import { afterAttempt, type AttemptOutcome } from '../../core/goal/controller/next-step.js';
import { attemptsInRound, type IntakeFacts } from '../../core/goal/controller/goal-log.js';
import { executorPrompt } from '../../core/goal/controller/prompts.js';
import { engineFeedback, gateFeedback, noChangesFeedback, outOfScope, scopeFeedback } from '../../core/goal/controller/feedback.js';
import type { Task, TaskGraph } from '../../core/goal/task-graph/schema.js';
import type { GateSpec } from '../../core/gates/spec.js';
import type { LeaseClaim, TaskStatus } from '../../core/store/types.js';
import { commitAll, diffBetween, headSha, isAncestor, resetHard, taskBranchName, treeOf, workingTreeChanges } from '../git/index.js';
import { approverFor } from './approval.js';
import type { AgentTurnRequest } from './engine-port.js';
import type { GoalScope } from './context.js';
import { gitContext } from './context.js';
import { transcriptFile, writeTextAtomically } from './goal-dir.js';
import { gateOutputTail, runScopedGates } from './gate-runs.js';
import { recoverWorktree } from './recover.js';
import { runBudgetedTurn } from './turn-guard.js';
import { openTaskWorktree } from './worktrees.js';
import { detectTaskStall } from './no-progress.js';
import { taskStart } from '../../core/goal/controller/graph-view.js';
import { filesWithConflictMarkers, mergeDependencies, mergeSliceIntoFixWorktree } from './fix-merge.js';
import { liveReporter } from './live.js';
import { redactSecrets } from '../../core/redact.js';
import { acceptProposals } from './proposals.js';
import path from 'node:path';

/** A lease outlives a slow turn by far; the heartbeat renews it every third of this. @default 10 min */
export const LEASE_TTL_MS = 10 * 60_000;

/** How often a running attempt renews its lease (also its "last heartbeat" in status). */
export const HEARTBEAT_MS = Math.min(LEASE_TTL_MS / 3, 15_000);

export type TaskStepResult = 'done' | 'retry' | 'failed' | 'blocked' | 'not_leased' | 'lease_lost' | 'interrupted';

/**
 * One attempt at one task, under a lease: worktree, agent turn (auto mode, confined to the worktree),
 * then omk — not the agent — captures the diff, rejects changes outside the write set, commits, runs
 * the task's gates there and records the attempt. The lease is renewed by a heartbeat during the turn;
 * losing it aborts the attempt, and the release (with the attempt's events) is refused by its stale token.
 */
export async function executeTaskAttempt(scope: GoalScope, graph: TaskGraph, taskId: string, intake: IntakeFacts): Promise<TaskStepResult> {
  const { rt, goalId } = scope;
  const task = graph.tasks.find((t) => t.id === taskId)!;
  const ref = { goalId, taskId };
  // Before anything is held: a refused spawn leaves the task queued (BudgetRefusedError).
  const ticket = rt.engine ? await scope.budget?.admit('executor', taskId) : undefined;
  const lease = await rt.store.transaction((tx) => tx.acquireLease(ref, rt.owner, LEASE_TTL_MS));
  if (!lease.ok) {
    await scope.budget?.settle(ticket, undefined); // another worker has the task: its reservation goes back
    return 'not_leased';
  }
  const claim: LeaseClaim = { ...ref, owner: rt.owner, token: lease.lease.token };
  // Read under the lease: an attempt that finished since the caller looked counts (retries, feedback).
  const log = await rt.store.goalLog(goalId);
  // Numbered by attempts started, so an interrupted attempt's transcript and diff are never overwritten.
  const attempt = (log.tasks.get(taskId)?.started ?? 0) + 1;
  const round = log.round;

  const live = liveReporter(rt, goalId, { role: 'executor', taskId, attempt });
  live.report({ kind: 'attempt', state: 'started', engine: rt.engine?.name ?? '(none)' });
  const lost = new AbortController();
  const signal = AbortSignal.any([rt.signal, lost.signal]);
  const heartbeat = setInterval(() => {
    rt.store
      .transaction((tx) => tx.renewLease(claim, LEASE_TTL_MS))
      .then((r) => (r.ok ? live.report({ kind: 'heartbeat' }) : lost.abort(new Error('lease-lost'))))
      .catch(() => lost.abort(new Error('lease-lost')));
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let started: { startSha: string; worktree: string } | undefined;
  // The turn settles its own reservation; an attempt that ends before it must give the reservation back.
  let turnRan = false;
  try {
    const start = taskStart(log, taskId, intake.base_sha);
    let wt = await openTaskWorktree(scope, taskId, start.startSha, attempt, signal);
    if (wt.bootstrap?.ok === false) {
      // No agent runs in a worktree that lacks what it needs; the task waits, the next open bootstraps again.
      if (rt.signal.aborted) return await interrupt(scope, claim, attempt, round, undefined);
      if (lost.signal.aborted) return 'lease_lost';
      const why = wt.bootstrap.failure ?? 'worktree bootstrap failed';
      await rt.store.transaction(async (tx) => {
        const released = await tx.releaseLease(claim, 'blocked');
        if (released.ok) await tx.appendEvent(goalId, 'task.blocked', { task_id: taskId, attempt, reason: `its worktree is not ready: ${why}` });
      });
      rt.progress(`task ${taskId}: blocked: ${why}`);
      return 'blocked';
    }
    // What an earlier attempt's gates or a stopped holder left uncommitted is not this attempt's work: recorded, then reset.
    if (!wt.created) await recoverWorktree(scope, { id: taskId, dir: wt.path, branch: wt.branch, resetTo: undefined, baseSha: intake.base_sha, attempt });
    const wtGit = { ...gitContext(rt, wt.path), signal };
    if (start.mergeFrom) await mergeSliceIntoFixWorktree(wtGit, start.mergeFrom, taskId);
    // Before each attempt (idempotent, so a crash between merges is harmless): dependencies not yet in HEAD.
    const deps = [];
    for (const t of graph.tasks) {
      if (!task.depends_on.includes(t.id)) continue;
      const branch = taskBranchName(goalId, t.id);
      if (!(await isAncestor(wtGit, branch, 'HEAD'))) deps.push({ id: t.id, branch });
    }
    if (deps.length > 0) {
      const merged = await mergeDependencies(wtGit, deps);
      if (merged.conflicted.length > 0) rt.progress(`task ${taskId}: starts without ${merged.conflicted.join(', ')} (their branches conflict)`);
      wt = { ...wt, head: await headSha(wtGit) };
    }
    await rt.store.transaction((tx) =>
      tx.appendEvent(goalId, 'task.started', { task_id: taskId, attempt, round, owner: rt.owner, token: claim.token, branch: wt.branch, worktree: wt.path, start_sha: wt.head }),
    );
    started = { startSha: wt.head, worktree: wt.path };
    rt.progress(`task ${taskId}: attempt ${attempt} in ${wt.branch}`);

    if (!rt.engine) return await block(scope, claim, attempt, 'no engine is configured (defaults.engine or --engine)');
    const specs = taskGates(task, intake, rt.gates);
    // The budget is checked between the turn's model calls too (turn-guard.ts); `stop` says it cut the turn short.
    turnRan = true;
    const denials: string[] = [];
    const { outcome, stop } = await runBudgetedTurn(scope, ticket, { source: `task:${taskId}#${attempt}`, taskId }, {
      role: 'executor',
      cwd: wt.path,
      prompt: executorPrompt({
        goalId,
        request: log.prompt ?? '',
        graph,
        task,
        attempt,
        gateCommands: specs.map((g) => ({ name: g.name, command: g.command })),
        feedback: (log.tasks.get(taskId)?.attempts ?? []).map((a) => a.feedback).filter(Boolean).slice(-3),
      }),
      mode: 'auto',
      approve: remembering(approverFor(scope, wt.path, 'auto', intake.base_ref), denials),
      transcriptFile: transcriptFile(scope.dir, taskId, attempt),
      signal,
      onActivity: (line) => rt.progress(`task ${taskId}: ${line}`),
      onLive: (activity) => live.report(activity),
    });
    if (!outcome.started) return await block(scope, claim, attempt, outcome.detail, outcome.kind);
    if (stop) {
      // Not a failed attempt: it goes back to the queue (interrupted, partial work recorded) and the goal stops for budget.
      await interrupt(scope, claim, attempt, round, started, stop.message);
      throw stop;
    }
    if (rt.signal.aborted) return await interrupt(scope, claim, attempt, round, started);
    if (lost.signal.aborted) return 'lease_lost';

    // omk, not the agent, decides what the attempt changed.
    const changes = await workingTreeChanges(wtGit, wt.head);
    const changed = [...new Set(changes.files.flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])))].sort();
    if (changes.files.length > 0) {
      const diff = await diffBetween(wtGit, wt.head, changes.tree);
      await writeTextAtomically(path.join(scope.dir.diffs, `${taskId}-${attempt}.patch`), redactSecrets(diff.patch));
    }
    const rejected = outOfScope(changed, task.write_set);
    let result: { outcome: AttemptOutcome; commit: string | null; tree: string | null; feedback: string; runs: string[] };
    if (rejected.length > 0) {
      await resetHard(wtGit, { to: wt.head });
      result = { outcome: 'scope_violation', commit: null, tree: null, feedback: scopeFeedback(rejected, task.write_set), runs: [] };
      rt.progress(`task ${taskId}: rejected ${rejected.length} change(s) outside the write scope`);
    } else {
      const committed = await commitAll(wtGit, { message: `omk: ${taskId} (attempt ${attempt})\n\n${task.title}` });
      const head = committed.committed ? committed.sha : await headSha(wtGit);
      const tree = await treeOf(wtGit, head);
      // A conflict fix that leaves markers is not done, whatever the gates say (they may not parse those files).
      const markers = start.mergeFrom ? await filesWithConflictMarkers(wt.path, changed) : [];
      const runs = markers.length > 0 ? [] : await runScopedGates(scope, specs, { root: wt.path, treeSha: tree, scope: 'task', taskId });
      const failed = runs.filter((r) => r.required && !r.passed);
      const passed = markers.length === 0 && failed.length === 0 && runs.length === specs.length;
      const tails = await Promise.all(
        failed.map(async (r) => ({ name: r.name, command: r.command, exitCode: r.exit_code, timedOut: r.timed_out, infraError: r.infra_error, output: await gateOutputTail(scope, r) })),
      );
      // Passing gates are not enough: a turn that did not end normally (crashed, cut off, refused) is not
      // trusted with what it left, and a task that changed nothing did not do its work — both are retried.
      const outcome2: AttemptOutcome =
        outcome.stopReason !== 'end_turn' ? 'engine_failed' : head === wt.head ? 'no_changes_failed' : passed ? 'passed' : 'gates_failed';
      const feedback =
        outcome2 === 'passed'
          ? ''
          : outcome2 === 'engine_failed'
            ? engineFeedback(outcome.stopReason, outcome.errorMessage)
            : outcome2 === 'no_changes_failed'
              ? tails.length > 0
                ? `${noChangesFeedback()}\n\n${gateFeedback(tails)}`
                : noChangesFeedback(true)
              : gateFeedback(tails);
      // A gate that already failed on the base may not be this task's to fix: say so, so it does not stray outside its scope.
      const inherited = failed.filter((r) => log.baseline?.failed.includes(r.name)).map((r) => `\`${r.name}\``);
      const inheritedNote =
        inherited.length > 0 && outcome2 !== 'passed'
          ? `\n\nNote: ${inherited.join(', ')} already failed on the base commit, before any task ran. If what makes it fail is outside your write scope, it is not yours to fix here: finish your own change and do not write outside your scope.`
          : '';
      const markerFeedback = markers.length > 0 ? `Conflict markers (<<<<<<< … >>>>>>>) remain in: ${markers.join(', ')}. Resolve every conflict and remove all markers.` : '';
      result = { outcome: outcome2, commit: head === intake.base_sha ? null : head, tree, feedback: markerFeedback || `${feedback}${inheritedNote}${deniedNote(denials, outcome2)}`, runs: runs.map((r) => r.run_id) };
    }

    if (rt.signal.aborted) return await interrupt(scope, claim, attempt, round, started);

    const attemptsThisRound = (log.tasks.get(taskId) ? attemptsInRound(log.tasks.get(taskId)!, round) : 0) + 1;
    const finished = {
      task_id: taskId,
      attempt,
      round,
      outcome: result.outcome,
      stop_reason: outcome.stopReason,
      commit: result.commit,
      tree_sha: result.tree,
      changed_files: rejected.length > 0 ? [] : changed,
      rejected_files: rejected,
      gate_runs: result.runs,
      feedback: result.feedback,
    };
    let next = afterAttempt(result.outcome, attemptsThisRound, task.max_retries);
    // Before another attempt: is the task getting anywhere (docs/no-progress.md)? A stalled task stops here.
    const stall = next === 'done' ? undefined : await detectTaskStall(scope, finished);
    if (stall) next = 'failed';
    const status: TaskStatus = next === 'done' ? 'done' : next === 'retry' ? 'queued' : 'failed';
    const ok = await rt.store.transaction(async (tx) => {
      const released = await tx.releaseLease(claim, status);
      if (!released.ok) return false;
      await tx.appendEvent(goalId, 'task.attempt_finished', finished);
      if (stall) {
        await tx.appendEvent(goalId, 'goal.stalled', {
          round,
          task_id: taskId,
          findings: stall.findings.map((f) => ({ kind: f.kind, task_id: f.task_id, attempts: f.attempts, message: f.message })),
          diagnosis: stall.report.diagnosis,
        });
      }
      if (next === 'done') {
        await tx.appendEvent(goalId, 'task.completed', { task_id: taskId, attempts: attempt, commit: result.commit, tree_sha: result.tree! });
        await acceptProposals(tx, goalId, { taskId, attempt }, outcome.text, graph, rt.gates.map((g) => g.name));
      }
      if (next === 'failed') {
        const reason = stall
          ? `no progress: ${stall.findings.map((f) => f.message).join('; ')}`
          : `${result.outcome} after ${attemptsThisRound} attempt(s) this round: ${result.feedback.split('\n')[0] ?? ''}`;
        await tx.appendEvent(goalId, 'task.failed', { task_id: taskId, attempts: attempt, reason });
      }
      return true;
    });
    if (!ok) return 'lease_lost';
    rt.progress(`task ${taskId}: attempt ${attempt} ${result.outcome}${next === 'retry' ? ', retrying with feedback' : stall ? `, stopped: ${stall.findings[0]!.message}` : next === 'failed' ? ', no retries left' : ''}`);
    return next;
  } catch (error) {
    if (rt.signal.aborted) return await interrupt(scope, claim, attempt, round, started);
    // omk's own machinery failed mid-attempt: give the task back rather than hold it until expiry.
    await rt.store.transaction((tx) => tx.releaseLease(claim, 'queued')).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
    live.report({ kind: 'attempt', state: 'ended', engine: rt.engine?.name ?? '(none)' });
    if (!turnRan) await scope.budget?.settle(ticket, undefined).catch(() => undefined);
  }
}

/** The task's gates; a task that names none is judged by the oracle. */
export function taskGates(task: Task, intake: IntakeFacts, gates: readonly GateSpec[]): GateSpec[] {
  const names = task.gates.length > 0 ? task.gates : intake.oracle.gates;
  return names.map((n) => gates.find((g) => g.name === n)).filter((g): g is GateSpec => g !== undefined);
}

/**
 * Pause, cancel, Ctrl-C or the budget stopping the turn (`why`) during an attempt: the lease is released with the task back to `queued` and
 * the attempt recorded as interrupted (not a failure, not counted against max_retries); the worktree is
 * reset to where the attempt started, what it discards recorded first (`worktree.recovered`).
 */
async function interrupt(scope: GoalScope, claim: LeaseClaim, attempt: number, round: number, started: { startSha: string; worktree: string } | undefined, why?: string): Promise<TaskStepResult> {
  const reason = why ?? (scope.rt.signal.reason instanceof Error ? scope.rt.signal.reason.message : ((scope.rt.signal.reason as { kind?: string } | undefined)?.kind ?? 'interrupted'));
  // Reset while the lease is still held: once released, another agent may claim the task and its worktree.
  if (started) {
    await recoverWorktree(scope, { id: claim.taskId, dir: started.worktree, branch: taskBranchName(scope.goalId, claim.taskId), resetTo: started.startSha, baseSha: undefined, attempt }).catch(
      (error: unknown) => scope.rt.progress(`task ${claim.taskId}: worktree not reset (${String(error)}); the next attempt resets it`),
    );
  }
  await scope.rt.store.transaction(async (tx) => {
    const released = await tx.releaseLease(claim, 'queued');
    if (released.ok && started) await tx.appendEvent(scope.goalId, 'task.attempt_interrupted', { task_id: claim.taskId, attempt, round, reason });
  });
  return 'interrupted';
}

/** No agent could start: the task waits (blocked) and the goal says what is missing. */
async function block(scope: GoalScope, claim: LeaseClaim, attempt: number, detail: string, kind: 'credentials' | 'network' | 'service' | 'other' = 'other'): Promise<TaskStepResult> {
  await scope.rt.store.transaction(async (tx) => {
    await tx.releaseLease(claim, 'blocked');
    await tx.appendEvent(scope.goalId, 'engine.unavailable', { role: 'executor', engine: scope.rt.engine?.name ?? '(none)', kind, detail });
    await tx.appendEvent(scope.goalId, 'task.blocked', { task_id: claim.taskId, attempt, reason: `no agent could start: ${detail}` });
  });
  scope.rt.progress(`task ${claim.taskId}: blocked: ${detail}`);
  return 'blocked';
}

/** Wraps the session's approver to remember what it denied, for the attempt's feedback. */
function remembering(approve: AgentTurnRequest['approve'], denials: string[]): AgentTurnRequest['approve'] {
  return async (request, signal) => {
    const decision = await approve(request, signal);
    if (!decision.allow) denials.push(`${request.command ? `\`${request.command.slice(0, 200)}\`` : `${request.kind} ${request.paths.join(', ')}`}${decision.reason ? ` (${decision.reason})` : ''}`);
    return decision;
  };
}

/** A failed attempt whose tool calls were denied is told which, so the next one does not try them again. */
function deniedNote(denials: readonly string[], outcome: AttemptOutcome): string {
  if (outcome === 'passed' || denials.length === 0) return '';
  return `\n\nomk's approval policy denied ${denials.length} tool call(s) of this attempt; do not try them again:\n${denials.slice(0, 5).map((d) => `- ${d}`).join('\n')}`;
}
