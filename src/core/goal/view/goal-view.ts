import type { GoalLog, TaskFacts } from '../controller/goal-log.js';
import { latestProof } from '../controller/goal-log.js';
import { heldBy } from '../controller/budget-facts.js';
import type { TaskStatus } from '../status.js';

/**
 * GoalView: the one typed view of a goal every surface shows — `omk goal status|show --json`, watch,
 * the REPL's engine pane, the dashboard, MCP (docs/goal-view.md documents every field; the schema in
 * goal-view-schema.ts validates it). It is a projection of the goal's folded log (the incremental
 * reducer `applyEvent`) plus what is live right now: the agents at work and the controller.
 * Nothing in it comes from anywhere but the events and those two live sources.
 */
export const GOAL_VIEW_VERSION = 1;

export type GoalPhase = 'intake' | 'planning' | 'baseline' | 'executing' | 'integrating' | 'reviewing' | 'proving' | 'paused' | 'finished';

export interface TaskView {
  id: string;
  title: string;
  depends_on: string[];
  /** `plan`, or how it was added later (a fix task of the integration train, an accepted proposal). */
  source: 'plan' | 'integration_conflict' | 'combined_failure' | 'proposal';
  /** The task's state as its events tell it, in the store's vocabulary (core/goal/status.ts). */
  status: TaskStatus;
  /** Finished attempts. */
  attempts: number;
  /** Attempts started (interrupted ones too): the next is `started + 1`. */
  started: number;
  interrupted: number;
  /** The attempt under way, or null. */
  running: number | null;
  /** The last finished attempt's outcome (`passed`, `gates_failed`, …), or null. */
  last_outcome: string | null;
  commit: string | null;
  tree_sha: string | null;
  failure_reason: string | null;
  blocked_reason: string | null;
}

export interface GateRunView {
  run_id: string;
  gate: string;
  scope: 'baseline' | 'task' | 'integration' | 'bisect' | 'red_green';
  task_id: string | null;
  tree_sha: string;
  passed: boolean;
  /** The goal's record of the run (gate result.json), relative to the goal directory. */
  record: string;
  reused_from: string | null;
}

/** One running agent, as its process reports it live (never evidence: the event log is). */
export interface WorkerView {
  task_id: string;
  attempt: number;
  owner: string;
  engine: string;
  started_at: string;
  heartbeat_at: string;
  /** The agent's latest tool call or notice, e.g. `edit: a.js`. */
  activity: string | null;
  activity_at: string | null;
  tokens: number;
  usd: number;
}

/** Who drives the goal: its controller row, and whether that controller is alive. */
export interface ControllerView {
  pid: number;
  host: string;
  heartbeat_at: string;
  alive: boolean;
}

export interface GoalView {
  view: typeof GOAL_VIEW_VERSION;
  goal_id: string;
  status: string;
  phase: GoalPhase;
  request: string;
  parent_id: string | null;
  created_at: string | null;
  /** The last event's time. */
  updated_at: string | null;
  type: string | null;
  testable: boolean | null;
  team: { workers: number; role: string } | null;
  question: string | null;
  oracle: string[];
  engine: string | null;
  max_agents: number | null;
  until_ready: boolean | null;
  base: { ref: string; sha: string } | null;
  head: string | null;
  round: number;
  plan: { planner: 'engine' | 'fallback'; engine: string | null; asks: number; tasks: number; graph_sha256: string } | null;
  tasks: TaskView[];
  baseline: { passed: string[]; failed: string[] } | null;
  gates: GateRunView[];
  gates_running: Array<{ run_id: string; gate: string; tree_sha: string; since: string }>;
  integration: { branch: string; head_sha: string; merged: string[]; conflicts: Array<{ task_id: string; paths: string[] }>; bisections: number } | null;
  review: { round: number; reviewed_sha: string; sections: Record<string, string>; path: string; reviewer: { engine: string; outcome: string } | null } | null;
  proof: { status: string; readiness: string; known_gaps: string[]; path: string; round: number; written_at: string } | null;
  cost: { turns: number; tokens_in: number; tokens_out: number; usd: number };
  budget: {
    limits: { time_ms: number | null; tokens: number | null; usd_micros: number | null } | null;
    per_task: { tokens: number | null; usd_micros: number | null } | null;
    used: { time_ms: number; tokens: number; usd_micros: number };
    reserved: { tokens: number; usd_micros: number; count: number };
    exhausted: { dimension: 'time' | 'tokens' | 'usd'; detail: string; task_id: string | null } | null;
  };
  control: { requested: { kind: 'pause' | 'cancel'; by: string; reason: string | null } | null; paused: boolean; cancelled: { reason: string | null } | null };
  questions: Array<{ id: string; question: string }>;
  decisions: Array<{ topic: string; choice: string; reason: string }>;
  external_blockers: Array<{ kind: string; description: string }>;
  infra_failures: Array<{ component: string; message: string }>;
  stalls: Array<{ task_id: string; round: number; diagnosis: string }>;
  human: Array<{ kind: 'accepted' | 'rejected'; by: string; at: string; text: string }>;
  delivery: {
    pr: { number: number; url: string; draft: boolean; head_sha: string; branch: string; base: string } | null;
    merged: { number: number; url: string; merge_sha: string | null } | null;
    failures: Array<{ stage: string; code: string; message: string }>;
  };
  approvals: { allowed: number; denied: number };
  /** The last event's seq: the view is as of this event. */
  events: number;
  /** Live: agents at work now. */
  workers: WorkerView[];
  /** Live: the goal's controller, or null when none holds it. */
  controller: ControllerView | null;
  /** Where the goal's files are. */
  goal_dir: string;
}

/** What the projection needs beside the folded log. */
export interface GoalViewInput {
  goalId: string;
  /** The store's status of the goal (goals.status); the log's last `goal.status_changed` otherwise. */
  status?: string;
  /** The stored request, when the log has no `goal.created` yet. */
  request?: string;
  goalDir: string;
  workers?: readonly WorkerView[];
  controller?: ControllerView | null;
}

/** Projects the folded log into the view. Pure and O(size of the view): call it as often as needed. */
export function goalView(log: GoalLog, input: GoalViewInput): GoalView {
  const status = input.status ?? (log.cancelled ? 'cancelled' : log.status) ?? 'created';
  const added = new Map(log.added.map((a) => [a.task.id, a] as const));
  const planned = new Map((log.plan?.tasks ?? []).map((t) => [t.id, t] as const));
  const tasks: TaskView[] = [];
  for (const facts of log.tasks.values()) {
    const plan = planned.get(facts.id);
    const extra = added.get(facts.id);
    tasks.push(taskView(facts, { title: plan?.title ?? extra?.task.title ?? facts.id, depends_on: plan?.depends_on ?? extra?.task.depends_on ?? [], source: extra?.source ?? 'plan' }, log));
  }
  const proof = latestProof(log);
  const b = log.budget;
  const held = heldBy(b);
  return {
    view: GOAL_VIEW_VERSION,
    goal_id: input.goalId,
    status,
    phase: phaseOf(log, status),
    request: log.prompt ?? input.request ?? '',
    parent_id: null,
    created_at: log.createdAt ?? null,
    updated_at: log.lastTs ?? null,
    type: log.intake?.type ?? null,
    testable: log.intake?.testable ?? null,
    team: log.intake?.team ?? null,
    question: log.questions[0]?.question ?? null,
    oracle: log.intake?.oracle.gates ?? [],
    engine: log.intake?.engine ?? null,
    max_agents: log.intake?.max_agents ?? null,
    until_ready: log.intake?.until_ready ?? null,
    base: log.intake ? { ref: log.intake.base_ref, sha: log.intake.base_sha } : null,
    head: log.integration?.head_sha ?? null,
    round: log.round,
    plan: log.plan ? { planner: log.plan.planner, engine: log.plan.engine ?? null, asks: log.plan.asks, tasks: log.plan.tasks.length, graph_sha256: log.plan.graph_sha256 } : null,
    tasks,
    baseline: log.baseline ? { passed: log.baseline.passed, failed: log.baseline.failed } : null,
    gates: log.gateRuns.map((g) => ({ run_id: g.run_id, gate: g.gate, scope: g.scope, task_id: g.task_id, tree_sha: g.tree_sha, passed: g.passed, record: g.record_path, reused_from: g.reused_from ?? null })),
    gates_running: [...log.gatesRunning.entries()].map(([run_id, r]) => ({ run_id, gate: r.gate, tree_sha: r.treeSha, since: r.since })),
    integration: log.integration
      ? { branch: log.integration.branch, head_sha: log.integration.head_sha, merged: log.integration.merged, conflicts: log.conflicts.map((c) => ({ task_id: c.task_id, paths: c.paths })), bisections: log.bisections.length }
      : null,
    review: log.review ? { round: log.review.round, reviewed_sha: log.review.reviewed_sha, sections: log.review.sections, path: log.review.path, reviewer: log.review.reviewer ?? null } : null,
    proof: proof ? { status: proof.status, readiness: proof.readiness, known_gaps: proof.gaps, path: joinPath(input.goalDir, proof.path), round: proof.round, written_at: proof.ts } : null,
    cost: { turns: log.cost.turns, tokens_in: log.cost.tokensIn, tokens_out: log.cost.tokensOut, usd: log.cost.usd },
    budget: {
      limits: b.limits ? { ...b.limits } : null,
      per_task: b.perTask ? { ...b.perTask } : null,
      used: { time_ms: b.timeMs, tokens: b.tokensIn + b.tokensOut, usd_micros: b.usdMicros },
      reserved: { tokens: held.tokens, usd_micros: held.usdMicros, count: b.reservations.size },
      exhausted: b.exhausted ? { dimension: b.exhausted.dimension, detail: b.exhausted.detail, task_id: b.exhausted.taskId ?? null } : null,
    },
    control: {
      requested: log.control ? { kind: log.control.kind, by: log.control.by, reason: log.control.reason ?? null } : null,
      paused: log.paused,
      cancelled: log.cancelled ? { reason: log.cancelled.reason ?? null } : null,
    },
    questions: log.questions.map((q) => ({ ...q })),
    decisions: log.decisions.map((d) => ({ topic: d.topic, choice: d.choice, reason: d.reason })),
    external_blockers: log.externalBlockers.map((x) => ({ ...x })),
    infra_failures: log.infraFailures.map((x) => ({ ...x })),
    stalls: log.stalls.map((x) => ({ task_id: x.task_id, round: x.round, diagnosis: x.diagnosis })),
    human: log.human.map((h) => ({ ...h })),
    delivery: {
      pr: log.delivery.pr ? { number: log.delivery.pr.number, url: log.delivery.pr.url, draft: log.delivery.pr.draft, head_sha: log.delivery.pr.head_sha, branch: log.delivery.pr.branch, base: log.delivery.pr.base } : null,
      merged: log.delivery.merged ? { number: log.delivery.merged.number, url: log.delivery.merged.url, merge_sha: log.delivery.merged.merge_sha } : null,
      failures: log.delivery.failed.map((f) => ({ stage: f.stage, code: f.code, message: f.message })),
    },
    approvals: { ...log.approvals },
    events: log.lastSeq,
    workers: [...(input.workers ?? [])],
    controller: input.controller ?? null,
    goal_dir: input.goalDir,
  };
}

function taskView(t: TaskFacts, meta: Pick<TaskView, 'title' | 'depends_on' | 'source'>, log: GoalLog): TaskView {
  const last = t.attempts.at(-1);
  return {
    id: t.id,
    ...meta,
    status: taskStatus(t, log),
    attempts: t.attempts.length,
    started: t.started,
    interrupted: t.interrupted,
    running: t.running?.attempt ?? null,
    last_outcome: last?.outcome ?? null,
    commit: t.commit,
    tree_sha: t.treeSha,
    failure_reason: t.failureReason ?? null,
    blocked_reason: t.blocked ?? null,
  };
}

/** The task's state from its events, in the store's vocabulary: what the rows say once the transaction that wrote them commits. */
function taskStatus(t: TaskFacts, log: GoalLog): TaskStatus {
  if (t.result === 'done') return 'done';
  if (t.result === 'failed') return 'failed';
  if (log.cancelled) return 'cancelled';
  if (t.running) return 'leased';
  if (t.blocked !== undefined) return 'blocked';
  return 'queued';
}

function phaseOf(log: GoalLog, status: string): GoalPhase {
  if (log.cancelled || log.proofs.length > 0 && status !== 'running' && status !== 'planning' && status !== 'created') {
    return status === 'paused' ? 'paused' : 'finished';
  }
  if (status === 'paused') return 'paused';
  if (!log.intake) return 'intake';
  if (!log.plan) return 'planning';
  if (!log.baseline) return 'baseline';
  const open = [...log.tasks.values()].some((t) => t.result === undefined);
  if (open) return 'executing';
  if (log.integration?.round !== log.round) return 'integrating';
  if (log.review?.round !== log.round) return 'reviewing';
  return 'proving';
}

/** `dir/rel` without node:path (core): goal directories are absolute POSIX-style or Windows paths alike. */
function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  return `${dir.replace(/[\\/]+$/, '')}/${rel}`;
}
