import type { ErrorCode } from '../core/errors.js';

/**
 * The one place error codes become exit statuses. Documented in docs/exit-codes.md;
 * change both together.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  blocked: 3,
  needsBudget: 4,
  environment: 5,
  internal: 70,
  interrupted: 130,
} as const;

export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

const BY_CODE: Record<ErrorCode, ExitStatus> = {
  usage: EXIT.usage,
  config_invalid: EXIT.usage,
  config_parse: EXIT.usage,
  not_a_repo: EXIT.usage,
  not_found: EXIT.usage,
  store_too_new: EXIT.environment,
  store_corrupt: EXIT.environment,
  store_busy: EXIT.environment,
  binary_missing: EXIT.environment,
  io: EXIT.environment,
  chain_broken: EXIT.failure,
  failed: EXIT.failure,
  blocked: EXIT.blocked,
  needs_budget: EXIT.needsBudget,
  interrupted: EXIT.interrupted,
  internal: EXIT.internal,
};

export function exitStatusFor(code: ErrorCode): ExitStatus {
  return BY_CODE[code];
}

/** Exit status of a goal status or run outcome (docs/exit-codes.md). */
export function exitForStatus(status: string): ExitStatus {
  switch (status) {
    case 'ready':
    case 'planned':
      return EXIT.ok;
    case 'blocked_on_human':
    case 'blocked_on_external':
    case 'paused':
      return EXIT.blocked;
    case 'needs_more_budget':
      return EXIT.needsBudget;
    case 'failed_infra':
      return EXIT.environment;
    case 'interrupted':
    case 'cancelled':
      return EXIT.interrupted;
    default:
      return EXIT.failure;
  }
}
