import { z } from 'zod';

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
} as const;

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
