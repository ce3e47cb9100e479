/**
 * The config schema as data: one description drives validation, `config set` value typing and
 * environment override typing. Hand-written rather than zod so loading config costs no start-up time.
 */
import {
  APPROVAL_MODES,
  CONFIG_LOG_LEVELS,
  ENGINE_PROTOCOLS,
  MERGE_POLICIES,
  POLICIES,
  PROMPT_DEFAULTS,
  RULE_ACTIONS,
  RULE_TOOL_KINDS,
} from './types.js';
import { PROGRESS_THRESHOLD_MINIMUMS } from '../progress/types.js';

export type FieldSpec =
  | { kind: 'string'; oneOf?: readonly string[] }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'number'; min: number }
  | { kind: 'boolean' }
  | { kind: 'duration' }
  | { kind: 'string-array' }
  /** One string or an array of strings, each from `oneOf` when given (`kind = "edit"` or `["edit", "move"]`). */
  | { kind: 'string-or-array'; oneOf?: readonly string[] }
  /** A table of string values whose keys are free (environment variables). */
  | { kind: 'string-map' }
  | { kind: 'table'; fields: Readonly<Record<string, FieldSpec>> }
  /** A table whose keys are names the user picks (`engines.NAME`), each shaped by `of`. */
  | { kind: 'named'; of: FieldSpec }
  /** An array of tables (`[[approval.rules]]`), each shaped by `of`. */
  | { kind: 'table-array'; of: FieldSpec };

const str = (oneOf?: readonly string[]): FieldSpec => (oneOf ? { kind: 'string', oneOf } : { kind: 'string' });
const table = (fields: Record<string, FieldSpec>): FieldSpec => ({ kind: 'table', fields });

export const ENGINE_SPEC: FieldSpec = table({
  protocol: str(ENGINE_PROTOCOLS),
  command: str(),
  args: { kind: 'string-array' },
  env: { kind: 'string-map' },
  pass_env: { kind: 'string-array' },
  model: str(),
  base_url: str(),
  api_key_env: str(),
  serve_fs: { kind: 'boolean' },
  pricing: table({
    input_per_mtok: { kind: 'number', min: 0 },
    output_per_mtok: { kind: 'number', min: 0 },
    cached_input_per_mtok: { kind: 'number', min: 0 },
    cache_write_per_mtok: { kind: 'number', min: 0 },
  }),
});

export const APPROVAL_RULE_SPEC: FieldSpec = table({
  id: str(),
  kind: { kind: 'string-or-array', oneOf: RULE_TOOL_KINDS },
  command: str(),
  path: str(),
  action: str(RULE_ACTIONS),
});

export const APPROVAL_SPEC: FieldSpec = table({
  allow_commands: { kind: 'string-array' },
  deny_commands: { kind: 'string-array' },
  replace_default_allow: { kind: 'boolean' },
  rules: { kind: 'table-array', of: APPROVAL_RULE_SPEC },
  prompt_timeout: { kind: 'duration' },
  prompt_default: str(PROMPT_DEFAULTS),
});

export const GATE_SPEC: FieldSpec = table({
  command: str(),
  cwd: str(),
  timeout: { kind: 'duration' },
  required: { kind: 'boolean' },
  env: { kind: 'string-map' },
});

export const DELIVERY_SPEC: FieldSpec = table({
  remote: str(),
  base: str(),
  repository: str(),
  github_api_url: str(),
  required_checks: { kind: 'string-array' },
});

/** Thresholds are small whole numbers; the minimums are the detector's own (one attempt is no repetition). */
const threshold = (min: number): FieldSpec => ({ kind: 'integer', min, max: 100 });

export const GOAL_SPEC: FieldSpec = table({
  reuse_gate_runs: { kind: 'boolean' },
  no_progress: table({
    repeated_failure: threshold(PROGRESS_THRESHOLD_MINIMUMS.repeatedFailure),
    empty_diffs: threshold(PROGRESS_THRESHOLD_MINIMUMS.emptyDiffs),
    oscillations: threshold(PROGRESS_THRESHOLD_MINIMUMS.oscillations),
    no_improvement_window: threshold(PROGRESS_THRESHOLD_MINIMUMS.noImprovementWindow),
  }),
});

export const CONFIG_SCHEMA: FieldSpec = table({
  defaults: table({
    engine: str(),
    reviewer_engine: str(),
    max_agents: { kind: 'integer', min: 1, max: 64 },
    policy: str(POLICIES),
    merge_policy: str(MERGE_POLICIES),
    approval: str(APPROVAL_MODES),
  }),
  budget: table({
    time: { kind: 'duration' },
    tokens: { kind: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER },
    usd: { kind: 'number', min: 0 },
  }),
  approval: APPROVAL_SPEC,
  delivery: DELIVERY_SPEC,
  goal: GOAL_SPEC,
  engines: { kind: 'named', of: ENGINE_SPEC },
  gates: { kind: 'named', of: GATE_SPEC },
  worktrees: table({ root: str(), setup: str(), setup_timeout: { kind: 'duration' } }),
  dashboard: table({ port: { kind: 'integer', min: 1, max: 65535 } }),
  log: table({ level: str(CONFIG_LOG_LEVELS) }),
});

/** The spec governing `path`, or undefined when no such key exists in the schema. */
export function specAt(path: readonly string[], root: FieldSpec = CONFIG_SCHEMA): FieldSpec | undefined {
  let spec: FieldSpec | undefined = root;
  for (const segment of path) {
    if (spec === undefined) return undefined;
    if (spec.kind === 'table') spec = Object.hasOwn(spec.fields, segment) ? spec.fields[segment] : undefined;
    else if (spec.kind === 'named') spec = spec.of;
    else if (spec.kind === 'table-array') spec = /^\d+$/.test(segment) ? spec.of : undefined;
    else if (spec.kind === 'string-map') spec = { kind: 'string' };
    else return undefined;
  }
  return spec;
}

/** What a value under `spec` should be, as a phrase: "an integer from 1 to 64". */
export function describeExpected(spec: FieldSpec): string {
  switch (spec.kind) {
    case 'string':
      return spec.oneOf ? `one of ${spec.oneOf.map((v) => JSON.stringify(v)).join(', ')}` : 'a string';
    case 'integer':
      return spec.max === Number.MAX_SAFE_INTEGER
        ? `an integer of at least ${spec.min}`
        : `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return spec.min === 0 ? 'a non-negative number' : `a number of at least ${spec.min}`;
    case 'boolean':
      return 'true or false';
    case 'duration':
      return 'a duration such as "90s", "15m", "2h", "1h30m", or a number of seconds';
    case 'string-array':
      return 'an array of strings';
    case 'string-or-array':
      return spec.oneOf
        ? `one of ${spec.oneOf.map((v) => JSON.stringify(v)).join(', ')}, or an array of them`
        : 'a string or an array of strings';
    case 'string-map':
      return 'a table of string values, e.g. { NAME = "value" }';
    case 'table':
      return 'a table';
    case 'named':
      return 'a table of named tables';
    case 'table-array':
      return 'an array of tables ([[…]] blocks)';
  }
}
