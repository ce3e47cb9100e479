import { allowlistEnv } from '../process/index.js';

/** Who omk's own commits (slice commits, integration merges, cherry-picks) are made by. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** The identity used unless the caller configures one: `omk <omk@localhost>`. */
export const DEFAULT_GIT_IDENTITY: Readonly<GitIdentity> = Object.freeze({ name: 'omk', email: 'omk@localhost' });

/**
 * Variables that would point git at another repository, index or object store than the one at `cwd`.
 * They are dropped even though they match `GIT_*`: omk run from inside a git hook (where git sets
 * `GIT_DIR` and `GIT_INDEX_FILE`) must still operate on the worktree it names, not on the hook's.
 */
const LOCATION_VARIABLES: readonly string[] = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

/**
 * The exact environment every git child gets: the base names and `GIT_*` from `source` (minus the
 * location variables above), then fixed values that win: no prompts, no editor, no optional locks
 * (read-only commands never take `index.lock` under the user's feet), the C locale for parseable
 * output, and a deterministic identity for commits omk makes.
 */
export function gitEnv(
  source: Readonly<Record<string, string | undefined>>,
  identity: Readonly<GitIdentity> = DEFAULT_GIT_IDENTITY,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env = allowlistEnv(source, ['GIT_*'], {
    GIT_TERMINAL_PROMPT: '0',
    GIT_EDITOR: 'true',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  });
  for (const name of LOCATION_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

/**
 * Config for commands that may run hooks. Without `runHooks`, hooks are switched off for that one
 * invocation (`core.hooksPath=/dev/null`): gates, not hooks, judge omk's work, and a hook that prompts
 * or hangs must not stall a worker. Signing is off too: omk's own commits are never signed.
 */
export function hookArgs(runHooks: boolean): string[] {
  return [...(runHooks ? [] : ['-c', 'core.hooksPath=/dev/null']), '-c', 'commit.gpgSign=false'];
}
