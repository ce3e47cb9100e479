/**
 * omk's error family. Every error a user can see carries a stable string `code`
 * (mapped to an exit status in exactly one place: src/cli/exit-codes.ts), whether
 * retrying may help, and a `hint` that says how to fix it.
 */
export const ERROR_CODES = [
  'usage', // bad command-line usage
  'config_invalid', // a config file or OMK_* variable does not match the schema
  'config_parse', // a config file is not valid TOML
  'not_a_repo', // the command needs a git repository
  'not_found', // a named goal, event log or file does not exist
  'store_too_new', // the database was written by a newer omk
  'store_corrupt', // the database or an artifact could not be read
  'store_busy', // the database stayed locked past the retry budget
  'binary_missing', // a required executable is not on PATH
  'chain_broken', // the event hash chain or an artifact digest does not verify
  'io', // a filesystem operation failed
  'failed', // the operation ran and reached a negative answer (e.g. not ready)
  'blocked', // waiting on a human or an external service
  'needs_budget', // a budget is exhausted
  'interrupted', // SIGINT / cancellation by the user
  'internal', // a bug in omk
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface OmkErrorOptions {
  /** How the user can fix it, one sentence. */
  hint?: string;
  /** Whether trying again unchanged may succeed. @default false */
  retryable?: boolean;
  cause?: unknown;
}

export class OmkError extends Error {
  override readonly name = 'OmkError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: OmkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }
}

export function isOmkError(value: unknown): value is OmkError {
  return value instanceof OmkError;
}

/** A short, single-line description of anything thrown. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
