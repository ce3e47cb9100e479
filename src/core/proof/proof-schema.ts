import { z } from 'zod';
import { TEST_FORMATS } from '../test-report/types.js';
import { GATE_SCOPES, REVIEW_STATUSES, TASK_STATUSES, VERDICT_STATUSES } from './evidence.js';

/**
 * The zod schemas for proof.json and for a gate's result.json. The key order of each object
 * here is the key order written to disk (buildProof normalises through these schemas), so the
 * same evidence always gives the same bytes. Unknown keys are dropped on read: a newer omk may
 * add fields, never rename them.
 */
/** The version written. Version 1 proofs (before `tests`, `acceptance`, `review_record`) are still read and verified. */
export const PROOF_VERSION = 2;

const sha = z.string().min(1);
const artifactRef = z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest') });
const nonNegative = z.number().nonnegative();

export const gateRunSchema = z.object({
  run_id: z.string().min(1),
  name: z.string().min(1),
  scope: z.enum(GATE_SCOPES),
  task_id: z.string().min(1).nullable(),
  command: z.string(),
  cwd: z.string(),
  tree_sha: sha,
  exit_code: z.number().int().nullable(),
  duration_ms: nonNegative,
  timed_out: z.boolean(),
  passed: z.boolean(),
  required: z.boolean(),
  infra_error: z.string().nullable(),
  stdout: artifactRef,
  stderr: artifactRef,
  result_path: z.string().min(1),
  reused_from: z.string().min(1).optional(),
});

const reviewSection = z.object({
  status: z.enum(REVIEW_STATUSES),
  required: z.boolean(),
  reviewed_sha: sha.nullable(),
  evidence: z.array(z.string()),
  risks: z.array(z.string()),
  gaps: z.array(z.string()),
});

const counts = z.object({ total: z.number().int().nonnegative(), passed: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), skipped: z.number().int().nonnegative() });
const testRun = z.object({
  run_id: z.string().min(1),
  scope: z.enum(GATE_SCOPES),
  passed: z.boolean(),
  failed: z.boolean(),
  format: z.enum(TEST_FORMATS).nullable(),
  counts: counts.nullable(),
});

export const testsSchema = z.object({
  policy: z.enum(['required', 'informational', 'not_applicable']),
  gates: z.array(z.string().min(1)),
  changed_test_files: z.array(z.string()),
  change_tests_tree: sha.nullable(),
  comparisons: z.array(z.object({ gate: z.string().min(1), base: testRun.nullable(), base_with_change_tests: testRun.nullable(), head: testRun.nullable() })),
  red_green: z.object({
    status: z.enum(['proven', 'not_proven', 'no_evidence']),
    pairs: z.array(
      z.object({ gate: z.string().min(1), test: z.string().nullable(), before_run: z.string().min(1), after_run: z.string().min(1), from_changed_tests: z.boolean() }),
    ),
    pairs_total: z.number().int().nonnegative(),
    gap: z.string().nullable(),
  }),
  tamper: z.array(
    z.object({
      check: z.string().min(1),
      rule: z.string().min(1),
      severity: z.enum(['warn', 'fail']),
      file: z.string().nullable(),
      line: z.number().int().nullable(),
      message: z.string(),
      hunk: z.string().nullable(),
      allowed_by: z.string().nullable(),
    }),
  ),
});

export const acceptanceSchema = z.object({
  id: z.string().min(1),
  task_id: z.string().min(1),
  criterion: z.string(),
  required: z.boolean(),
  status: z.enum(['met', 'unmet', 'unverified']),
  checked_by: z.enum(['gate', 'red_green', 'tests_added', 'tests_untouched', 'tests_not_weakened', 'named_test', 'no_conflict_markers', 'reviewer', 'none']),
  evidence: z.array(z.string()),
});

const amounts = z.object({ time_ms: nonNegative, tokens: nonNegative, usd: nonNegative });

export const proofSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  goal_id: z.string().min(1),
  status: z.enum(VERDICT_STATUSES),
  readiness: z.string().min(1),
  summary: z.string(),
  generated_at: z.string().min(1),
  goal: z.object({ request: z.string(), lifecycle: z.string(), reason: z.string().nullable() }),
  base: z.object({ ref: z.string(), sha }),
  head: z.object({ sha, tree: sha }).nullable(),
  task_graph_summary: z.object({
    total: z.number().int().nonnegative(),
    required: z.number().int().nonnegative(),
    by_status: z.object(Object.fromEntries(TASK_STATUSES.map((s) => [s, z.number().int().nonnegative()])) as Record<
      (typeof TASK_STATUSES)[number],
      z.ZodNumber
    >),
  }),
  tasks: z.array(
    z.object({
      id: z.string().min(1),
      title: z.string(),
      status: z.enum(TASK_STATUSES),
      required: z.boolean(),
      attempts: z.number().int().nonnegative(),
      commit: sha.nullable(),
      tree_sha: sha.nullable(),
      changed_files: z.array(z.string()),
      stalled: z.array(z.string()).optional(),
      blocked_by: z.array(z.string()).optional(),
      /** run_id of each of the task's gate runs (the runs themselves are in `gates`). */
      gates: z.array(z.string()),
    }),
  ),
  gates: z.array(gateRunSchema),
  reviews: z.object({
    architect: reviewSection,
    code: reviewSection,
    tests: reviewSection,
    security: reviewSection,
    performance: reviewSection,
    anti_slop: reviewSection,
  }),
  oracle: z.object({ kind: z.string(), gates: z.array(z.string().min(1)) }),
  budget: z.object({
    limits: z.object({ time_ms: nonNegative.nullable(), tokens: nonNegative.nullable(), usd: nonNegative.nullable() }),
    used: amounts,
    reserved: amounts,
    exceeded: z.object({ time: z.boolean(), tokens: z.boolean(), usd: z.boolean() }),
    per_task: z
      .array(
        z.object({
          task_id: z.string().min(1),
          limits: z.object({ tokens: nonNegative.nullable(), usd: nonNegative.nullable() }),
          used: z.object({ tokens: nonNegative, usd: nonNegative }),
          exceeded: z.object({ tokens: z.boolean(), usd: z.boolean() }),
        }),
      )
      .optional(),
  }),
  changed_files: z.array(z.string()),
  commits: z.array(sha),
  known_gaps: z.array(z.string()),
  human_decisions_required: z.array(z.string()),
  human: z.object({
    questions: z.array(z.object({ id: z.string().min(1), question: z.string() })),
    decisions: z.array(
      z.object({ kind: z.enum(['accept', 'reject']), by: z.string(), at: z.string(), text: z.string() }),
    ),
  }),
  external_blockers: z.array(
    z.object({ kind: z.enum(['credentials', 'network', 'service', 'other']), description: z.string() }),
  ),
  infra_failures: z.array(z.object({ component: z.string(), message: z.string() })),
  artifacts: z.array(artifactRef),
  events: z.object({ count: z.number().int().nonnegative(), head: sha.nullable() }),
  // Version 2 on (absent from version 1 proofs): test evidence, acceptance criteria, the review record.
  tests: testsSchema.optional(),
  acceptance: z.array(acceptanceSchema).optional(),
  review_record: z.string().min(1).nullable().optional(),
}).superRefine((doc, ctx) => {
  if (doc.version < 2) return;
  for (const key of ['tests', 'acceptance', 'review_record'] as const) {
    if (doc[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `a version ${doc.version} proof has \`${key}\`` });
  }
});

export type ProofDocument = z.infer<typeof proofSchema>;
export type GateRunRecord = z.infer<typeof gateRunSchema>;

/** A schema problem, naming the field (`gates[2].exit_code`) and what was expected and found. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: SchemaProblem[] };

/** Parses proof.json text. Never throws: invalid JSON and shape problems come back as data. */
export function parseProofText(text: string): ParseResult<ProofDocument> {
  return parseWith(proofSchema, text);
}

/** Parses a gate's result.json text (the GateRun record the gate runner wrote). */
export function parseGateResultText(text: string): ParseResult<GateRunRecord> {
  return parseWith(gateRunSchema, text);
}

function parseWith<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((i) => ({ path: formatPath(i.path), message: describeIssue(i, json) })) };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const found = valueAt(root, issue.path);
  const shown = found === undefined ? 'nothing' : truncate(JSON.stringify(found));
  return `${issue.message}; found ${shown}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
