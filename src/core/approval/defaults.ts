/**
 * Built-in command lists, in the pattern syntax of command-pattern.ts. Everything here still passes the
 * hard denies first: `rm *` only ever removes paths inside the worktree, `cat *` never reads a key.
 * docs/approval-policy.md lists them for users; keep the two in step.
 */

/** Allowed in `auto` (and allowed without asking in `ask`): tests, builds, linters, inspection, file moves. */
export const DEFAULT_ALLOW_COMMANDS: readonly string[] = [
  // JavaScript and TypeScript
  'npm test *', 'npm t *', 'npm run *', 'npm run-script *', 'npm ci *', 'npm install *', 'npm i *', 'npm ls *', 'npm view *',
  'npm outdated *', 'npm audit', 'npm pack --dry-run *',
  'npx vitest *', 'npx tsc *', 'npx eslint *', 'npx prettier *', 'npx jest *', 'npx mocha *', 'npx playwright test *',
  'npx tsx <path> *', 'npx biome *',
  'pnpm test *', 'pnpm run *', 'pnpm install *', 'pnpm i *', 'pnpm exec vitest *', 'pnpm exec tsc *', 'pnpm exec eslint *', 'pnpm lint *', 'pnpm build *',
  'yarn test *', 'yarn run *', 'yarn install *', 'yarn lint *', 'yarn build *',
  'bun test *', 'bun run *', 'bun install *',
  'vitest *', 'tsc *', 'eslint *', 'prettier *', 'jest *', 'tsx <path> *',
  'node <path> *', 'node --test *',
  // Python
  'pytest *', 'python -m pytest *', 'python3 -m pytest *', 'python <path> *', 'python3 <path> *',
  'python -m unittest *', 'python3 -m unittest *', 'ruff *', 'mypy *', 'black *', 'uv run pytest *', 'poetry run pytest *',
  // Rust, Go, C
  'cargo test *', 'cargo build *', 'cargo check *', 'cargo clippy *', 'cargo fmt *', 'cargo nextest *',
  'go test *', 'go build *', 'go vet *', 'go fmt *', 'gofmt *', 'make *', 'cmake *', 'ctest *',
  // Scripts the project ships
  'bash <path> *', 'sh <path> *',
  // git, local only: no push, pull, fetch, reset, rebase, checkout of other branches
  'git status *', 'git diff *', 'git log *', 'git show *', 'git add *', 'git commit *', 'git rm *', 'git mv *', 'git restore *',
  'git stash *', 'git branch', 'git branch --show-current', 'git branch -a', 'git branch --list *', 'git rev-parse *',
  'git ls-files *', 'git blame *', 'git grep *', 'git merge-base *', 'git describe *', 'git shortlog *',
  // Looking around
  'ls *', 'cat *', 'head *', 'tail *', 'wc *', 'grep *', 'egrep *', 'fgrep *', 'rg *', 'find *', 'tree *', 'file *', 'stat *',
  'du *', 'diff *', 'cmp *', 'sort *', 'uniq *', 'cut *', 'tr *', 'jq *', 'echo *', 'printf *', 'pwd', 'which *', 'type *',
  'basename *', 'dirname *', 'realpath *', 'date *', 'true', 'false', 'test *', '[ *', '[[ *', 'cd *', 'pushd *', 'popd',
  'export *', 'sleep *', 'sed *',
  // File operations: their targets are already known to be inside the worktree
  'mkdir *', 'touch *', 'rm *', 'rmdir *', 'cp *', 'mv *', 'ln *', 'chmod *',
];

/**
 * Allowed in `plan` (read-only: planners and reviewers), and only when the whole command writes
 * nothing: no redirection to a file, no `tee`, no `sort -o`, no `find -delete`.
 */
export const PLAN_READ_ONLY_COMMANDS: readonly string[] = [
  'git status *', 'git diff *', 'git log *', 'git show *', 'git blame *', 'git ls-files *', 'git rev-parse *', 'git grep *',
  'git branch', 'git branch --show-current', 'git branch -a', 'git branch -r', 'git branch -v', 'git branch --list *',
  'git merge-base *', 'git describe *', 'git shortlog *', 'git remote -v',
  'ls *', 'cat *', 'head *', 'tail *', 'wc *', 'grep *', 'egrep *', 'fgrep *', 'rg *', 'find *', 'tree *', 'file *', 'stat *',
  'du *', 'diff *', 'cmp *', 'sort *', 'uniq *', 'cut *', 'tr *', 'jq *', 'echo *', 'printf *', 'pwd', 'which *', 'type *',
  'basename *', 'dirname *', 'realpath *', 'true', 'false', 'test *', '[ *', '[[ *', 'cd *', 'pushd *', 'popd',
];

/**
 * Variables that change what an allowed command really runs (`PATH=/tmp/evil:$PATH npm test`,
 * `NODE_OPTIONS=--require …`). Setting one makes a command not auto-allowed.
 */
export const RISKY_VARIABLES = /^(PATH|LD_.*|DYLD_.*|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|PROMPT_COMMAND|IFS|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PERL5OPT|PERL5LIB|RUBYOPT|GIT_.*|npm_config_.*|NPM_CONFIG_.*|SHELLOPTS|BASHOPTS|CDPATH)$/;

/** Wrappers that leave the wrapped command's meaning alone. */
export const NEUTRAL_WRAPPERS = new Set(['env', 'command', 'builtin', 'nohup', 'time', 'nice', 'ionice', 'timeout', 'stdbuf', 'setsid', 'chronic', 'unbuffer', 'caffeinate', 'exec']);
