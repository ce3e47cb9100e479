/**
 * The shape of omk's configuration after every layer is merged and validated.
 * Keys are snake_case because they are the TOML keys users write; see docs/config.md.
 */
export const POLICIES = ['local', 'draft-pr', 'auto-pr'] as const;
export const MERGE_POLICIES = ['disabled', 'manual', 'gated'] as const;
export const APPROVAL_MODES = ['yolo', 'auto', 'ask', 'plan'] as const;
export const ENGINE_PROTOCOLS = ['acp', 'wire', 'openai'] as const;
export const CONFIG_LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export const RULE_ACTIONS = ['allow', 'deny', 'ask'] as const;
export const PROMPT_DEFAULTS = ['allow', 'deny'] as const;
/** Tool kinds an approval rule may name (the ACP set; see core/approval/types.ts). */
export const RULE_TOOL_KINDS = ['read', 'edit', 'delete', 'move', 'search', 'execute', 'fetch', 'think', 'other'] as const;

export type Policy = (typeof POLICIES)[number];
export type MergePolicy = (typeof MERGE_POLICIES)[number];
export type ApprovalMode = (typeof APPROVAL_MODES)[number];
export type EngineProtocol = (typeof ENGINE_PROTOCOLS)[number];
export type ConfigLogLevel = (typeof CONFIG_LOG_LEVELS)[number];
export type RuleActionValue = (typeof RULE_ACTIONS)[number];
export type RuleToolKind = (typeof RULE_TOOL_KINDS)[number];

/** A duration as written: `"90s"`, `"15m"`, `"2h"`, `"1h30m"`, or a number of seconds. See duration.ts. */
export type DurationValue = string | number;

export interface EnginePricing {
  /** USD per million input tokens. */
  input_per_mtok?: number;
  output_per_mtok?: number;
  /** USD per million input tokens served from cache. @default input_per_mtok */
  cached_input_per_mtok?: number;
  /** USD per million input tokens written to cache. @default input_per_mtok */
  cache_write_per_mtok?: number;
}

export interface EngineConfig {
  protocol: EngineProtocol;
  /** The executable; required for `acp` and `wire`. */
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /**
   * Names of omk's environment variables passed through to the agent (a trailing `*` matches a
   * prefix); for `openai`, to the `bash` tool. Added to the engine preset's list.
   */
  pass_env?: string[];
  model?: string;
  /** `openai` only. */
  base_url?: string;
  /** `openai` only: the NAME of the environment variable holding the key, never the key. */
  api_key_env?: string;
  pricing?: EnginePricing;
  /**
   * `acp` only: serve the agent's file reads and writes (ACP `fs` capability, confined to the work dir).
   * Default true, false for agents that mishandle it (the `gemini` preset).
   */
  serve_fs?: boolean;
}

export interface GateConfig {
  /** A shell string; only ever taken from config files. */
  command: string;
  /** Relative to the repository root. */
  cwd?: string;
  timeout?: DurationValue;
  required?: boolean;
  env?: Record<string, string>;
}

/** One `[[approval.rules]]` entry; see docs/approval-policy.md. */
export interface ApprovalRuleConfig {
  id?: string;
  kind?: RuleToolKind | RuleToolKind[];
  command?: string;
  path?: string;
  action: RuleActionValue;
}

/** `[approval]`: the approval policy's lists and rules. The mode is `defaults.approval`. */
export interface ApprovalConfig {
  /** Command patterns allowed in `auto` on top of the built-in list. */
  allow_commands?: string[];
  /** Command patterns denied in every mode. */
  deny_commands?: string[];
  /** Use `allow_commands` alone, without the built-in allow list. @default false */
  replace_default_allow?: boolean;
  rules?: ApprovalRuleConfig[];
  /** How long `ask` mode waits for a human. @default "5m" */
  prompt_timeout?: DurationValue;
  /** The answer on timeout or an empty line. @default "deny" */
  prompt_default?: (typeof PROMPT_DEFAULTS)[number];
}

/**
 * `[delivery]`: where `omk goal open-pr` / `merge` push and which GitHub repository they talk to
 * (docs/delivery.md "Delivery from the CLI"). The merge policy stays `defaults.merge_policy`.
 */
export interface DeliveryConfig {
  /** The git remote the integration branch is pushed to (a name, URL or path). @default "origin" */
  remote?: string;
  /** The pull request's base branch. @default the goal's base ref, when it is a branch */
  base?: string;
  /** `"OWNER/REPO"` on GitHub, for a remote whose URL does not say (a local or mirrored remote). */
  repository?: string;
  /** The REST API base URL. @default https://api.github.com (https://HOST/api/v3 for GitHub Enterprise) */
  github_api_url?: string;
  /** Check-run names or status contexts that must pass before omk merges. @default [] */
  required_checks?: string[];
}

/** `[goal.no_progress]`: when the goal loop stops a task that is not progressing (docs/no-progress.md). */
export interface NoProgressConfig {
  /** The same (gate, failure signature) on this many consecutive attempts. @default 3 (at least 2) */
  repeated_failure: number;
  /** This many consecutive attempts that changed nothing. @default 2 */
  empty_diffs: number;
  /** Attempts that undid earlier work (the latest among them). @default 1 */
  oscillations: number;
  /** Gate-running attempts over which the number of failing gates must go down. @default 4 (at least 2) */
  no_improvement_window: number;
}

/** `[goal]`: how `omk goal run` behaves. */
export interface GoalConfig {
  /** A goal records its own earlier run of a gate on the same tree instead of running it again (docs/gates.md). @default true */
  reuse_gate_runs: boolean;
  no_progress: NoProgressConfig;
}

/** `[worktrees]`: where task worktrees go and how a new one is made ready (docs/git-and-worktrees.md). */
export interface WorktreesConfig {
  /** Relative to the repository root, or absolute. @default ".omk/worktrees" */
  root: string;
  /** A shell command run in each new worktree after `.omk/worktree-include` is copied, e.g. `"npm ci"`. */
  setup?: string;
  /** @default "10m" */
  setup_timeout?: DurationValue;
}

export interface OmkConfig {
  defaults: {
    engine: string;
    /**
     * The review wall's reviewer agent (docs/review-wall.md): an engine name, or `"none"` for the
     * deterministic checks only. @default the executor's engine
     */
    reviewer_engine?: string;
    max_agents: number;
    policy: Policy;
    merge_policy: MergePolicy;
    approval: ApprovalMode;
  };
  budget: {
    time?: DurationValue;
    tokens?: number;
    usd?: number;
  };
  approval: ApprovalConfig;
  delivery: DeliveryConfig;
  goal: GoalConfig;
  engines: Record<string, EngineConfig>;
  gates: Record<string, GateConfig>;
  worktrees: WorktreesConfig;
  dashboard: { port: number };
  log: { level: ConfigLogLevel };
}

/** Where a value came from, lowest precedence first. */
export type ConfigLayer = 'default' | 'user' | 'project' | 'env';

export interface ConfigSource {
  layer: ConfigLayer;
  /** The file, for `user` and `project`. */
  file?: string;
  /** The environment variable, for `env`. */
  variable?: string;
}

/**
 * One thing wrong with a config file or variable. `message` is the full sentence shown to users:
 * `<file or variable>: <key>: expected <expected>, found <found>`.
 */
export interface ConfigProblem {
  /** The file the problem is in; undefined for environment variables. */
  file: string | undefined;
  /** The OMK_* variable, when the problem comes from the environment. */
  variable?: string;
  /** 1-based, for TOML syntax errors. */
  line?: number;
  column?: number;
  /** The dotted key, or "" for a problem with the whole file. */
  key: string;
  expected: string;
  found: string;
  message: string;
}

/** A JSON/TOML-like tree, before validation. */
export type ConfigTree = Record<string, unknown>;
