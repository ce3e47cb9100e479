import { z } from 'zod';
import { taskSchema } from '../goal/task-graph/schema.js';
import type { EventTypeName } from './event-types.js';

/**
 * The one catalogue of event types: type -> payload schema. The TypeScript union
 * (`OmkEvent`) and the runtime validator (`validateEventPayload`) both come from it.
 * Events are past-tense facts. Add a new type rather than reshaping an old one;
 * readers keep unknown types (from a newer omk) instead of failing on them.
 */
const intent = z.enum(['trivial', 'small', 'medium', 'large']);

export const EVENT_CATALOGUE = {
  // Goal lifecycle (durable, per goal).
  'goal.created': z.object({ goal_id: z.string().min(1), prompt: z.string(), parent_id: z.string().optional() }),
  /** Which protection keeps this goal's agents in their worktrees: bubblewrap, or the approval policy alone (and why). */
  'goal.containment_chosen': z.object({ active: z.enum(['bwrap', 'policy-only']), mode: z.string(), detail: z.string() }),
  'goal.status_changed': z.object({ from: z.string(), to: z.string(), reason: z.string().optional() }),
  'goal.cancelled': z.object({ reason: z.string().optional() }),
  'goal.failed': z.object({ reason: z.string() }),
  'gate.transitioned': z.object({ gate: z.string().min(1), from: z.string(), to: z.string() }),
  /** A gate command was started on a tree (docs/gates.md). */
  'gate.started': z.object({
    gate: z.string().min(1),
    run_id: z.string().min(1),
    command: z.string(),
    cwd: z.string(),
    tree_sha: z.string(),
  }),
  /** A gate run ended (or was answered from the cache, or refused by its breaker); its evidence is at result_path. */
  'gate.finished': z.object({
    gate: z.string().min(1),
    run_id: z.string().min(1),
    tree_sha: z.string(),
    outcome: z.string(),
    passed: z.boolean(),
    required: z.boolean(),
    exit_code: z.number().int().nullable(),
    duration_ms: z.number().nonnegative(),
    cached: z.boolean(),
    result_path: z.string(),
    stdout_sha256: z.string(),
    stderr_sha256: z.string(),
  }),
  /** A gate's circuit breaker changed state (closed / open / half_open). */
  'gate.breaker_transitioned': z.object({
    gate: z.string().min(1),
    from: z.string(),
    to: z.string(),
    reason: z.string(),
    consecutive_failures: z.number().int().nonnegative(),
  }),
  'proof.ready': z.object({ path: z.string().min(1), status: z.string().optional() }),
  /** A lease ran out before its owner renewed or released it; the task went back to the queue. */
  'task.lease_expired': z.object({
    task_id: z.string().min(1),
    owner: z.string().min(1),
    token: z.number().int().positive(),
    expired_at: z.string(),
  }),

  // Goal controller (docs/goals.md). Every fact the proof and `omk goal status` need is one of these,
  // so a goal's state is a fold over its own hash-chained log.
  /** Intake: the goal's type, whether it can be tested, the oracle, and the pinned base commit. */
  'goal.intake_assessed': z.object({
    type: z.string().min(1),
    confidence: z.number().min(0).max(1),
    testable: z.boolean(),
    question: z.string().optional(),
    oracle: z.object({ gates: z.array(z.string()), rationale: z.string(), human_review: z.boolean() }),
    base_ref: z.string(),
    base_sha: z.string().min(1),
    languages: z.array(z.string()),
    gates: z.array(z.string()),
    max_agents: z.number().int().positive(),
    until_ready: z.boolean(),
    engine: z.string(),
    /** Set for `omk team run N:ROLE`: planning is a decomposition into at most `workers` independent `role` slices. */
    team: z.object({ workers: z.number().int().positive(), role: z.string().min(1) }).optional(),
  }),
  /** Only a human can answer this; the goal waits (blocked_on_human). */
  'goal.question_asked': z.object({ question_id: z.string().min(1), question: z.string().min(1) }),
  /** An agent could not be started for a role (missing binary, missing key). */
  'engine.unavailable': z.object({
    role: z.string().min(1),
    engine: z.string(),
    kind: z.enum(['credentials', 'network', 'service', 'other']),
    detail: z.string(),
  }),
  /** A material choice, also appended to decisions.jsonl. */
  'decision.recorded': z.object({ topic: z.string().min(1), choice: z.string(), reason: z.string() }),
  /** The task graph was accepted (from an engine or the heuristic fallback) and written to task-graph.json. */
  'goal.planned': z.object({
    planner: z.enum(['engine', 'fallback']),
    engine: z.string().optional(),
    asks: z.number().int().nonnegative(),
    graph_sha256: z.string(),
    tasks: z.array(z.object({ id: z.string().min(1), title: z.string(), depends_on: z.array(z.string()), max_retries: z.number().int().nonnegative() })),
  }),
  /** A goal-scoped gate run: where it ran (baseline, a task, the integrated tree) and its record file. */
  'gate.run_recorded': z.object({
    run_id: z.string().min(1),
    gate: z.string().min(1),
    /** `red_green` (test evidence): the base code with the change's test files; added after `bisect`, older logs never hold it. */
    scope: z.enum(['baseline', 'task', 'integration', 'bisect', 'red_green']),
    task_id: z.string().nullable(),
    tree_sha: z.string(),
    passed: z.boolean(),
    record_path: z.string().min(1),
    record_sha256: z.string(),
    /** Set when the goal did not run the gate again: the earlier run of the same spec on the same tree whose outputs this record points at. */
    reused_from: z.string().min(1).optional(),
  }),
  'baseline.completed': z.object({ base_sha: z.string().min(1), tree_sha: z.string(), passed: z.array(z.string()), failed: z.array(z.string()) }),
  /** A worker holds the task's lease and starts an attempt in its worktree. */
  'task.started': z.object({
    task_id: z.string().min(1),
    attempt: z.number().int().positive(),
    round: z.number().int().positive(),
    owner: z.string().min(1),
    token: z.number().int().positive(),
    branch: z.string(),
    worktree: z.string(),
    start_sha: z.string(),
  }),
  'task.attempt_finished': z.object({
    task_id: z.string().min(1),
    attempt: z.number().int().positive(),
    round: z.number().int().positive(),
    outcome: z.enum(['passed', 'gates_failed', 'scope_violation', 'engine_failed', 'no_changes_failed']),
    stop_reason: z.string(),
    commit: z.string().nullable(),
    tree_sha: z.string().nullable(),
    changed_files: z.array(z.string()),
    rejected_files: z.array(z.string()),
    gate_runs: z.array(z.string()),
    feedback: z.string(),
  }),
  /** No agent can work on the task now (its worktree could not be made ready, no engine could start); it waits. */
  'task.blocked': z.object({ task_id: z.string().min(1), attempt: z.number().int().positive(), reason: z.string() }),
  'task.completed': z.object({ task_id: z.string().min(1), attempts: z.number().int().positive(), commit: z.string().nullable(), tree_sha: z.string() }),
  'task.failed': z.object({ task_id: z.string().min(1), attempts: z.number().int().nonnegative(), reason: z.string() }),
  /** Control (docs/goals.md "Pause, resume, cancel, crash"): a controller process took charge of the goal. */
  'goal.controller_started': z.object({ owner: z.string().min(1), pid: z.number().int().nonnegative(), host: z.string(), resumed: z.boolean() }),
  /** `omk goal pause` from any terminal; the running controller honours it within a second. */
  'goal.pause_requested': z.object({ by: z.string().min(1), reason: z.string().optional() }),
  /** `omk goal cancel` from any terminal; cancel is terminal. */
  'goal.cancel_requested': z.object({ by: z.string().min(1), reason: z.string().optional() }),
  /** The goal stopped on a pause request: no dispatch until `omk goal resume`. */
  'goal.paused': z.object({ by: z.string().min(1), reason: z.string().optional() }),
  /** `omk goal resume`: a controller continues the goal from the store (also after a crash). */
  'goal.resumed': z.object({ by: z.string().min(1), crashed_controller: z.string().optional() }),
  /** An attempt stopped by pause, cancel, Ctrl-C or a controller crash: not a failure, not counted against max_retries. */
  'task.attempt_interrupted': z.object({ task_id: z.string().min(1), attempt: z.number().int().positive(), round: z.number().int().positive(), reason: z.string() }),
  /** Recovery reset a worktree a crashed or interrupted attempt left behind; what was discarded stays reachable (snapshot tree, commits). */
  'worktree.recovered': z.object({
    task_id: z.string().min(1),
    path: z.string(),
    head: z.string().nullable(),
    reset_to: z.string().nullable(),
    snapshot_tree: z.string().nullable(),
    dirty_paths: z.array(z.string()),
    discarded_commits: z.array(z.string()),
    moved_aside: z.string().nullable(),
  }),
  /**
   * A new worktree was made ready (docs/git-and-worktrees.md "Bootstrap"): `.omk/worktree-include` files
   * copied (paths only, never contents) and the setup command run, its output as digested artifacts
   * under the goal directory. `ok: false` says why in `failure`; no agent should run there.
   */
  'worktree.bootstrapped': z.object({
    task_id: z.string().min(1),
    attempt: z.number().int().positive(),
    path: z.string(),
    ok: z.boolean(),
    /** Repository-relative paths copied (the first 200; `copied_count` is the total). */
    copied: z.array(z.string()),
    copied_count: z.number().int().nonnegative(),
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
    /** Paths added to the repository's info/exclude so git ignores them. */
    excluded: z.array(z.string()),
    setup: z
      .object({
        command: z.string(),
        exit_code: z.number().int().nullable(),
        signal: z.string().nullable(),
        /** Set when the shell could not be started at all. */
        spawn_error: z.string().nullable(),
        duration_ms: z.number().nonnegative(),
        timeout_ms: z.number().int().positive(),
        timed_out: z.boolean(),
        canceled: z.boolean(),
        stdout: z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() }),
        stderr: z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() }),
      })
      .nullable(),
    failure: z.string().nullable(),
  }),
  /** until-ready: failed tasks were re-queued for another round, with the last proof's gaps as feedback. */
  /** The goal's budget limits (docs/budgets.md); null members are unlimited. Recorded only when a limit is set. */
  'budget.set': z.object({
    limits: z.object({ time_ms: z.number().int().nonnegative().nullable(), tokens: z.number().int().nonnegative().nullable(), usd_micros: z.number().int().nonnegative().nullable() }),
    source: z.string(),
    /** Each task's own limits (`--budget-task-tokens`, `--budget-task-usd`); absent in older logs and when unset. */
    per_task: z.object({ tokens: z.number().int().nonnegative().nullable(), usd_micros: z.number().int().nonnegative().nullable() }).optional(),
  }),
  /** `omk goal budget-add`: limits raised (each to max(limit, used) + amount). */
  'budget.extended': z.object({
    by: z.string(),
    extensions: z.array(z.object({ dimension: z.enum(['time', 'tokens', 'usd']), from: z.number(), to: z.number(), text: z.string() })),
    limits: z.object({ time_ms: z.number().int().nonnegative().nullable(), tokens: z.number().int().nonnegative().nullable(), usd_micros: z.number().int().nonnegative().nullable() }),
    /** The per-task limits after the extension (only when the goal has per-task limits). */
    per_task: z.object({ tokens: z.number().int().nonnegative().nullable(), usd_micros: z.number().int().nonnegative().nullable() }).optional(),
  }),
  /** The goal's running time so far (counted only while a controller runs), stored after each agent turn. */
  'budget.checkpoint': z.object({ time_ms: z.number().int().nonnegative() }),
  /**
   * A spawn was refused (the budget left is less than one estimated turn) or a running turn was stopped
   * between model calls. The goal stops as needs_more_budget. `task_id`: a task's own limit was hit.
   */
  'budget.exhausted': z.object({
    dimension: z.enum(['time', 'tokens', 'usd']),
    detail: z.string(),
    role: z.string(),
    time_ms: z.number().int().nonnegative(),
    task_id: z.string().optional(),
  }),
  /**
   * An agent turn's estimated cost is held against the limits (docs/budgets.md "Reservations"), checked in
   * the same transaction against what is used and every outstanding reservation. A later event with the
   * same `reservation_id` adds to the hold (a turn that outgrew its estimate claimed more room).
   */
  'budget.reserved': z.object({
    reservation_id: z.string().min(1),
    task_id: z.string().min(1),
    role: z.string(),
    tokens: z.number().int().nonnegative(),
    usd_micros: z.number().int().nonnegative(),
    owner: z.string().min(1),
  }),
  /** A reservation ended: its turn's cost was recorded (`settled`), it never ran, or its holder is gone. */
  'budget.released': z.object({ reservation_id: z.string().min(1), task_id: z.string().min(1), reason: z.string() }),
  /** No-progress detection (docs/no-progress.md) found a task stalled: it gets no more attempts and the goal stops not_ready. */
  'goal.stalled': z.object({
    round: z.number().int().positive(),
    task_id: z.string().min(1),
    findings: z.array(z.object({ kind: z.string(), task_id: z.string(), attempts: z.array(z.number().int().positive()), message: z.string() })),
    diagnosis: z.string(),
  }),
  'goal.round_started': z.object({ round: z.number().int().positive(), requeued: z.array(z.string()), reason: z.string() }),
  'integration.merged': z.object({ task_id: z.string().min(1), source_sha: z.string(), head_sha: z.string() }),
  'integration.conflicted': z.object({ task_id: z.string().min(1), paths: z.array(z.string()) }),
  /** A combined failure narrowed to the slice that caused it: merged in order, `responsible` is the first prefix that fails. */
  'integration.bisected': z.object({
    round: z.number().int().positive(),
    gates: z.array(z.string()),
    slices: z.array(z.string()),
    responsible: z.string().min(1),
    together_with: z.array(z.string()),
    runs: z.array(z.string()),
  }),
  /** Follow-up tasks an agent proposed that failed validation (or a marker that held no usable JSON), with every reason. */
  'task.proposal_rejected': z.object({ by_task: z.string().min(1), attempt: z.number().int().positive(), proposal_id: z.string().nullable(), problems: z.array(z.string()) }),
  /**
   * A task added after planning: a fix task for an integration conflict or a combined failure, or a
   * follow-up an agent proposed that passed the plan's validation. `start_sha` (default: the pinned
   * base) is where its worktree starts; `merge_from` is merged in with conflict markers first.
   */
  'task.added': z.object({
    task: taskSchema,
    source: z.enum(['integration_conflict', 'combined_failure', 'proposal']),
    fixes: z.string().nullable(),
    start_sha: z.string().nullable(),
    merge_from: z.string().nullable(),
    reason: z.string(),
  }),
  'integration.completed': z.object({
    round: z.number().int().positive(),
    branch: z.string(),
    head_sha: z.string().min(1),
    head_tree: z.string().min(1),
    merged: z.array(z.string()),
  }),
  /**
   * The red→green scratch tree was built: the base code with the change's test files (added, modified,
   * renamed, deleted) as they are at `head_sha`; the test gates then run on `tree_sha` with scope `red_green`.
   */
  'red_green.prepared': z.object({
    round: z.number().int().positive(),
    head_sha: z.string().min(1),
    base_sha: z.string().min(1),
    commit_sha: z.string().min(1),
    tree_sha: z.string().min(1),
    files: z.array(z.string()),
  }),
  'review.completed': z.object({
    round: z.number().int().positive(),
    reviewed_sha: z.string().min(1),
    sections: z.record(z.string(), z.string()),
    path: z.string(),
    /** The reviewer agent asked and how it went (`answered`, `unreadable`, `not_run`); absent when none is configured (and in older logs). */
    reviewer: z.object({ engine: z.string().min(1), outcome: z.string().min(1) }).optional(),
  }),
  'proof.written': z.object({
    round: z.number().int().positive(),
    status: z.string().min(1),
    readiness: z.string(),
    gaps: z.array(z.string()),
    path: z.string().min(1),
    sha256: z.string(),
  }),
  /** `omk goal accept`: a human accepted the goal (evidence for the verdict's rule 5; never a substitute for gates). */
  'human.accepted': z.object({ by: z.string().min(1), at: z.string().min(1), summary: z.string() }),
  /** `omk goal reject`: a human rejected the goal; the verdict is not_ready with the reason as a gap until a later accept. */
  'human.rejected': z.object({ by: z.string().min(1), at: z.string().min(1), reason: z.string() }),
  /** `omk goal open-pr`: the proof's head was pushed to `branch` and the goal's pull request created or updated. */
  'delivery.pr_opened': z.object({
    operation: z.enum(['created', 'updated']),
    number: z.number().int().positive(),
    url: z.string(),
    draft: z.boolean(),
    head_sha: z.string().min(1),
    branch: z.string().min(1),
    base: z.string().min(1),
    remote: z.string(),
    verdict: z.string(),
  }),
  /** `omk goal merge`: omk merged the goal's pull request at `head_sha` under `policy` (or found it merged already). */
  'delivery.merged': z.object({
    number: z.number().int().positive(),
    url: z.string(),
    policy: z.string(),
    head_sha: z.string(),
    merge_sha: z.string().nullable(),
    already_merged: z.boolean(),
    reason: z.string(),
  }),
  /** `omk goal merge` declined: the merge policy, verdict, checks, head or PR state said no; `reason` says which. */
  'delivery.merge_refused': z.object({
    number: z.number().int().positive().nullable(),
    url: z.string().nullable(),
    policy: z.string(),
    head_sha: z.string().nullable(),
    reason: z.string(),
  }),
  /** Delivery after `omk goal run --policy draft-pr|auto-pr` failed (no token, diverged remote, GitHub error); the verdict stands. */
  'delivery.failed': z.object({
    policy: z.string(),
    merge_policy: z.string(),
    stage: z.enum(['open_pr', 'merge']),
    code: z.string(),
    message: z.string(),
    hint: z.string().nullable(),
  }),

  // Notifications (docs/notify.md): each delivery's outcome, recorded by the process that sent it, after
  // the event that triggered it. Targets are named, never their URLs.
  /** One attempt to notify a target failed and will be retried after `retry_in_ms`. */
  'notify.attempt_failed': z.object({
    target: z.string().min(1),
    kind: z.string().min(1),
    trigger: z.string().min(1),
    trigger_seq: z.number().int().nonnegative(),
    attempt: z.number().int().positive(),
    error: z.string(),
    retry_in_ms: z.number().int().nonnegative(),
  }),
  /** A target accepted the notification (`detail`: `HTTP 200`, the desktop command). */
  'notify.delivered': z.object({
    target: z.string().min(1),
    kind: z.string().min(1),
    trigger: z.string().min(1),
    trigger_seq: z.number().int().nonnegative(),
    attempts: z.number().int().positive(),
    detail: z.string(),
  }),
  /** The notification never reached the target: retries ran out, or the failure cannot pass (`retryable` false). The goal is unaffected. */
  'notify.failed': z.object({
    target: z.string().min(1),
    kind: z.string().min(1),
    trigger: z.string().min(1),
    trigger_seq: z.number().int().nonnegative(),
    attempts: z.number().int().nonnegative(),
    error: z.string(),
    retryable: z.boolean(),
  }),

  // Chat session (routed requests, workers, refusals, cost).
  'classifier.decided': z.object({
    intent,
    confidence: z.number().min(0).max(1),
    latency_ms: z.number().nonnegative(),
    reasoning: z.string(),
    cached: z.boolean(),
    fallback: z.boolean(),
  }),
  'router.escalated': z.object({
    intent,
    target_mode: z.string().min(1),
    /** The router asked for confirmation before proceeding. */
    preflight: z.boolean(),
    confidence: z.number().min(0).max(1).optional(),
  }),
  'worker.started': z.object({ worker_id: z.string().min(1), kind: z.string(), task: z.string() }),
  'worker.completed': z.object({
    worker_id: z.string().min(1),
    ok: z.boolean(),
    files_touched: z.number().int().nonnegative(),
  }),
  'request.refused': z.object({ reason: z.string(), intent: intent.optional() }),
  'cost.recorded': z.object({
    source: z.string(),
    tokens_in: z.number().int().nonnegative(),
    tokens_out: z.number().int().nonnegative(),
    usd: z.number().nonnegative(),
    /** The goal task the turn worked on (for per-task budgets); absent in older logs and for planner turns. */
    task_id: z.string().optional(),
  }),

  // Approval policy: every decision on an agent's tool call (docs/approval-policy.md).
  'approval.decided': z.object({
    mode: z.enum(['yolo', 'auto', 'ask', 'plan']),
    tool_kind: z.string().min(1),
    /** The command or the paths, redacted and shortened. */
    summary: z.string(),
    decision: z.enum(['allow', 'deny']),
    /** Stable id of the rule that decided, e.g. `hard-deny:write-outside-worktree`. */
    rule: z.string().min(1),
    reason: z.string(),
    session: z.string().optional(),
    tool_call_id: z.string().optional(),
  }),
  /**
   * An `ask`-mode approval is waiting for a person (docs/notify.md "approval_waiting"). It is settled by the
   * `approval.decided` with the same `session` and `tool_call_id` (or, without one, the same `summary`).
   */
  'approval.requested': z.object({
    tool_kind: z.string().min(1),
    /** The command or the paths, redacted and shortened, as in `approval.decided`. */
    summary: z.string(),
    session: z.string().optional(),
    tool_call_id: z.string().optional(),
    /** When the question is answered by its default without a person; null: it waits. */
    timeout_ms: z.number().int().nonnegative().nullable(),
  }),
} as const satisfies Record<EventTypeName, z.ZodType>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_CATALOGUE)[T]>;

/** A typed event as producers create it and subscribers receive it. */
export type OmkEventOf<T extends EventType> = { type: T; payload: EventPayload<T> };
export type OmkEvent = { [T in EventType]: OmkEventOf<T> }[EventType];

export function isKnownEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

export type PayloadCheck = { ok: true } | { ok: false; message: string };

/** Checks a payload against its type's schema. Unknown types pass: they come from a newer omk. */
export function validateEventPayload(type: string, payload: unknown): PayloadCheck {
  if (!isKnownEventType(type)) return { ok: true };
  const result = EVENT_CATALOGUE[type].safeParse(payload);
  if (result.success) return { ok: true };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(payload)';
  return { ok: false, message: `${type}: ${where}: ${issue?.message ?? 'invalid'}` };
}
