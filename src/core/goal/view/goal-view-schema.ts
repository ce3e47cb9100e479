import { z } from 'zod';
import { TASK_STATUSES } from '../status.js';
import type { GoalView } from './goal-view.js';

/**
 * The schema of GoalView (goal-view.ts), for whoever must check one it did not build: tests, MCP's
 * structured tool outputs (as JSON Schema), a client of `status --json`. Kept out of the status read
 * path on purpose (zod costs start-up time); the type below ties it to the interface both ways.
 */
const nullable = <T extends z.ZodType>(t: T) => t.nullable();
const str = z.string();
const int = z.number().int();

export const workerViewSchema = z.object({
  task_id: str,
  attempt: int.positive(),
  owner: str,
  engine: str,
  started_at: str,
  heartbeat_at: str,
  activity: nullable(str),
  activity_at: nullable(str),
  tokens: z.number().nonnegative(),
  usd: z.number().nonnegative(),
});

export const goalViewSchema = z.object({
  view: z.literal(1),
  goal_id: str.min(1),
  status: str,
  phase: z.enum(['intake', 'planning', 'baseline', 'executing', 'integrating', 'reviewing', 'proving', 'paused', 'finished']),
  request: str,
  parent_id: nullable(str),
  created_at: nullable(str),
  updated_at: nullable(str),
  type: nullable(str),
  testable: nullable(z.boolean()),
  team: nullable(z.object({ workers: int.positive(), role: str })),
  question: nullable(str),
  oracle: z.array(str),
  engine: nullable(str),
  max_agents: nullable(int.positive()),
  until_ready: nullable(z.boolean()),
  base: nullable(z.object({ ref: str, sha: str })),
  head: nullable(str),
  round: int.positive(),
  plan: nullable(z.object({ planner: z.enum(['engine', 'fallback']), engine: nullable(str), asks: int.nonnegative(), tasks: int.nonnegative(), graph_sha256: str })),
  tasks: z.array(
    z.object({
      id: str.min(1),
      title: str,
      depends_on: z.array(str),
      source: z.enum(['plan', 'integration_conflict', 'combined_failure', 'proposal']),
      status: z.enum(TASK_STATUSES),
      attempts: int.nonnegative(),
      started: int.nonnegative(),
      interrupted: int.nonnegative(),
      running: nullable(int.positive()),
      last_outcome: nullable(str),
      commit: nullable(str),
      tree_sha: nullable(str),
      failure_reason: nullable(str),
      blocked_reason: nullable(str),
    }),
  ),
  baseline: nullable(z.object({ passed: z.array(str), failed: z.array(str) })),
  gates: z.array(
    z.object({
      run_id: str,
      gate: str,
      scope: z.enum(['baseline', 'task', 'integration', 'bisect', 'red_green']),
      task_id: nullable(str),
      tree_sha: str,
      passed: z.boolean(),
      record: str,
      reused_from: nullable(str),
    }),
  ),
  gates_running: z.array(z.object({ run_id: str, gate: str, tree_sha: str, since: str })),
  integration: nullable(
    z.object({ branch: str, head_sha: str, merged: z.array(str), conflicts: z.array(z.object({ task_id: str, paths: z.array(str) })), bisections: int.nonnegative() }),
  ),
  review: nullable(
    z.object({ round: int.positive(), reviewed_sha: str, sections: z.record(str, str), path: str, reviewer: nullable(z.object({ engine: str, outcome: str })) }),
  ),
  proof: nullable(z.object({ status: str, readiness: str, known_gaps: z.array(str), path: str, round: int.positive(), written_at: str })),
  cost: z.object({ turns: int.nonnegative(), tokens_in: int.nonnegative(), tokens_out: int.nonnegative(), usd: z.number().nonnegative() }),
  budget: z.object({
    limits: nullable(z.object({ time_ms: nullable(int), tokens: nullable(int), usd_micros: nullable(int) })),
    per_task: nullable(z.object({ tokens: nullable(int), usd_micros: nullable(int) })),
    used: z.object({ time_ms: int.nonnegative(), tokens: int.nonnegative(), usd_micros: int.nonnegative() }),
    reserved: z.object({ tokens: int.nonnegative(), usd_micros: int.nonnegative(), count: int.nonnegative() }),
    exhausted: nullable(z.object({ dimension: z.enum(['time', 'tokens', 'usd']), detail: str, task_id: nullable(str) })),
  }),
  control: z.object({
    requested: nullable(z.object({ kind: z.enum(['pause', 'cancel']), by: str, reason: nullable(str) })),
    paused: z.boolean(),
    cancelled: nullable(z.object({ reason: nullable(str) })),
  }),
  questions: z.array(z.object({ id: str, question: str })),
  decisions: z.array(z.object({ topic: str, choice: str, reason: str })),
  external_blockers: z.array(z.object({ kind: str, description: str })),
  infra_failures: z.array(z.object({ component: str, message: str })),
  stalls: z.array(z.object({ task_id: str, round: int.positive(), diagnosis: str })),
  human: z.array(z.object({ kind: z.enum(['accepted', 'rejected']), by: str, at: str, text: str })),
  delivery: z.object({
    pr: nullable(z.object({ number: int.positive(), url: str, draft: z.boolean(), head_sha: str, branch: str, base: str })),
    merged: nullable(z.object({ number: int.positive(), url: str, merge_sha: nullable(str) })),
    failures: z.array(z.object({ stage: str, code: str, message: str })),
  }),
  approvals: z.object({ allowed: int.nonnegative(), denied: int.nonnegative() }),
  events: int.nonnegative(),
  workers: z.array(workerViewSchema),
  controller: nullable(z.object({ pid: int.nonnegative(), host: str, heartbeat_at: str, alive: z.boolean() })),
  goal_dir: str,
});

// The schema and the interface describe the same object, in both directions.
type Parsed = z.infer<typeof goalViewSchema>;
const _toSchema = (v: GoalView): Parsed => v;
const _fromSchema = (v: Parsed): GoalView => v;
void _toSchema;
void _fromSchema;
