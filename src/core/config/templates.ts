/**
 * The commented starter files `omk setup` writes. Every line is a comment, so a fresh file changes
 * nothing until the user uncomments it; `omk config set` adds real sections below.
 */
export const USER_CONFIG_TEMPLATE = `# omk user configuration. Applies in every repository; <repo>/.omk/config.toml overrides it,
# and OMK_* variables override both (OMK_DEFAULTS__MAX_AGENTS=4). Reference: docs/config.md
# Change values by hand or with: omk config set defaults.max_agents 4

# [defaults]
# engine = "kimi"            # engine used when --engine is not given
# reviewer_engine = "kimi"   # the review wall's reviewer agent; "none" = deterministic checks only (default: the engine)
# max_agents = 1             # 1..64 parallel workers
# policy = "local"           # local | draft-pr | auto-pr
# merge_policy = "disabled"  # disabled | manual | gated
# approval = "auto"          # yolo | auto | ask | plan

# [budget]                   # default per-goal budgets
# time = "2h"
# tokens = 2000000
# usd = 5.0

# [engines.builtin]          # omk's own loop over an OpenAI-compatible API
# protocol = "openai"
# base_url = "https://api.moonshot.ai/v1"
# api_key_env = "MOONSHOT_API_KEY"   # the variable's NAME; never put the key itself here
# model = "kimi-k2.6"
# pricing = { input_per_mtok = 0.95, output_per_mtok = 4.0, cached_input_per_mtok = 0.16 }

# [approval]                 # the mode is defaults.approval; see docs/approval-policy.md
# allow_commands = ["docker build *"]
# deny_commands = ["npm publish *"]
# prompt_timeout = "5m"
# prompt_default = "deny"

# [goal]
# reuse_gate_runs = true     # reuse a goal's own gate run on an unchanged tree (docs/gates.md)

# [goal.no_progress]         # when a goal stops a task that is not progressing (docs/no-progress.md)
# repeated_failure = 3       # the same failure on N consecutive attempts (at least 2)
# empty_diffs = 2            # N consecutive attempts that changed nothing
# oscillations = 1           # N attempts that undid earlier work
# no_improvement_window = 4  # failing gates did not go down over N attempts (at least 2)

# [log]
# level = "warn"             # debug | info | warn | error | silent
`;

export const PROJECT_CONFIG_TEMPLATE = `# omk project configuration. Overrides the user config; may be committed with the repository.
# Reference: docs/config.md

# [gates.test]
# command = "npm test"       # a shell command run in the repository (or cwd below)
# cwd = "."
# timeout = "10m"
# required = true

# [gates.types]
# command = "npx tsc --noEmit"

# [defaults]
# max_agents = 2
# policy = "draft-pr"

# [worktrees]
# root = ".omk/worktrees"
# setup = "npm ci"          # run in each new worktree; .omk/worktree-include lists local files to copy
# setup_timeout = "10m"
`;
