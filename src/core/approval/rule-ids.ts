/**
 * Every rule id a decision can carry. They are part of omk's event format (`approval.decided.rule`):
 * add new ids, never rename old ones. User rules are `rule:<id>`, deny-list hits `deny-list:<pattern>`.
 */
export const HARD_DENY = {
  forkBomb: 'hard-deny:fork-bomb',
  downloadExec: 'hard-deny:download-exec',
  privilege: 'hard-deny:privilege',
  systemChange: 'hard-deny:system-change',
  credentialRead: 'hard-deny:credential-read',
  gitForcePush: 'hard-deny:git-force-push',
  gitPushProtected: 'hard-deny:git-push-protected',
  gitHistoryRewrite: 'hard-deny:git-history-rewrite',
  recursiveDeleteOutside: 'hard-deny:recursive-delete-outside',
  gitDir: 'hard-deny:git-dir',
  writeOutside: 'hard-deny:write-outside-worktree',
  symlinkEscape: 'hard-deny:symlink-escape',
  unparseable: 'hard-deny:unparseable-command',
} as const;

export const MODE_RULE = {
  yoloAllow: 'yolo:allow',
  autoReadInside: 'auto:read-inside',
  autoWriteInside: 'auto:write-inside',
  autoThink: 'auto:think',
  autoAllowList: 'auto:allow-list',
  autoNotAllowListed: 'auto:not-allow-listed',
  autoOutside: 'auto:outside-worktree',
  autoNoPaths: 'auto:no-paths',
  autoKind: 'auto:kind-not-allowed',
  planRead: 'plan:read',
  planReadOnlyCommand: 'plan:read-only-command',
  planDeny: 'plan:read-only',
  askHuman: 'ask:human',
} as const;

/** What the runtime records once a human (or the lack of one) settled an `ask`. */
export const ASK_OUTCOME = {
  allowed: 'ask:human-allowed',
  denied: 'ask:human-denied',
  timedOut: 'ask:timeout-default',
  noTty: 'ask:no-tty',
  cancelled: 'ask:cancelled',
} as const;

export const INTERNAL_RULE = {
  /** The decision could not be recorded as an event, so omk refused the call. */
  eventFailed: 'internal:event-failed',
  /** A path could not be resolved on disk (permission denied, loop), so a write was refused. */
  unresolvable: 'hard-deny:unresolvable-path',
  /** Checking the call failed unexpectedly; omk fails closed. */
  error: 'internal:error',
} as const;

export function userRuleId(rule: { id?: string }, index: number): string {
  return `rule:${rule.id ?? String(index + 1)}`;
}

export function denyListId(pattern: string): string {
  return `deny-list:${pattern}`;
}
