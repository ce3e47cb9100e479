/**
 * git configuration that makes git run a command, or changes where it reads, writes or pushes.
 * `git -c KEY=VALUE` and `GIT_*` variables reach it for one call; `git config KEY VALUE` in a linked
 * worktree writes the repository's shared config, outside the worktree, where it runs for the user
 * later. See docs/approval-policy.md.
 */

export type GitConfigKind =
  /** The value is a shell command git runs (`core.pager`, `core.sshCommand`, …). */
  | 'command'
  /** `alias.NAME`: a git subcommand line, or with a leading `!` a shell command. */
  | 'alias'
  /** Changes what git runs or where it goes without a command to follow (`core.hooksPath`, push refspecs). */
  | 'unfollowed';

const COMMAND_KEYS: readonly RegExp[] = [
  /^core\.(pager|editor|sshcommand|fsmonitor|askpass|gitproxy)$/,
  /^pager\..+$/,
  /^sequence\.editor$/,
  /^diff\.external$/,
  /^(diff|merge|filter|mergetool|difftool|browser|man)\..+\.(textconv|command|driver|clean|smudge|process|cmd|path)$/,
  /^credential\.(.+\.)?helper$/,
  /^gpg\.(.+\.)?program$/,
  /^uploadpack\.packobjectshook$/,
  /^remote\..+\.(uploadpack|receivepack|proxy)$/,
  /^interactive\.difffilter$/,
  /^sendemail\..*(cmd|command)$/,
  /^web\.browser$/,
];

const UNFOLLOWED_KEYS: readonly RegExp[] = [
  /^core\.(hookspath|worktree|bare|sharedrepository)$/,
  /^include\.path$/,
  /^includeif\..+\.path$/,
  /^remote\..+\.(push|mirror|url|pushurl)$/,
  /^url\..+\.(insteadof|pushinsteadof)$/,
  /^push\.default$/,
  /^protocol\..*allow$/,
  /^safe\.directory$/,
];

/** Which kind of dangerous key `key` is (case-insensitive, as git compares section and name). */
export function gitConfigKind(key: string): GitConfigKind | undefined {
  const k = key.toLowerCase();
  if (/^alias\..+/.test(k)) return 'alias';
  if (COMMAND_KEYS.some((r) => r.test(k))) return 'command';
  if (UNFOLLOWED_KEYS.some((r) => r.test(k))) return 'unfollowed';
  return undefined;
}

/** Environment variables whose value is a command git (or anything that runs git) executes. */
export const GIT_COMMAND_VARIABLES: ReadonlySet<string> = new Set([
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_EXTERNAL_DIFF',
  'GIT_PAGER',
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_ASKPASS',
  'GIT_PROXY_COMMAND',
]);

/** Variables that inject configuration for every git call below them; not followed. */
export const GIT_CONFIG_VARIABLES = /^GIT_CONFIG(_PARAMETERS|_COUNT|_KEY_\d+|_VALUE_\d+|_GLOBAL|_SYSTEM)?$/;

/** Variables that point git at another repository or work tree. */
export const GIT_PLACE_VARIABLES: ReadonlySet<string> = new Set(['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']);
