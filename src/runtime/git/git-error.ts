import { OmkError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';

/** How much of git's stderr an error keeps. */
const STDERR_TAIL_CHARS = 2000;

export interface GitErrorDetails {
  code: ErrorCode;
  /** The argv, starting with `git`. */
  command: readonly string[];
  cwd: string;
  /** Null when git was killed, timed out or never started. */
  exitCode: number | null;
  stderr: string;
  hint: string;
  retryable?: boolean;
  /** Overrides the generated message's reason (e.g. "timed out after 120000 ms"). */
  reason?: string;
  cause?: unknown;
}

/**
 * A git command that failed where failure was not an expected answer. The message names the command,
 * the exit code and the working directory; `stderrTail` keeps the end of git's explanation.
 */
export class GitError extends OmkError {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly exitCode: number | null;
  readonly stderrTail: string;

  constructor(details: GitErrorDetails) {
    const tail = tailOf(redactSecrets(details.stderr));
    const reason = details.reason ?? `exit ${details.exitCode ?? 'none'}`;
    const shown = details.command.map(quoteArg).join(' ');
    super(details.code, `${shown} failed (${reason}) in ${details.cwd}${tail === '' ? '' : `: ${lastLine(tail)}`}`, {
      hint: details.hint,
      retryable: details.retryable ?? false,
      cause: details.cause,
    });
    this.command = details.command;
    this.cwd = details.cwd;
    this.exitCode = details.exitCode;
    this.stderrTail = tail;
  }
}

export function isGitError(value: unknown): value is GitError {
  return value instanceof GitError;
}

function tailOf(stderr: string): string {
  const trimmed = stderr.trim();
  return trimmed.length <= STDERR_TAIL_CHARS ? trimmed : `…${trimmed.slice(-STDERR_TAIL_CHARS)}`;
}

/** The most telling line: git puts `fatal:`/`error:` last. */
function lastLine(tail: string): string {
  const lines = tail.split('\n').filter((l) => l.trim() !== '');
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  return (fatal.at(-1) ?? lines.at(-1) ?? '').trim();
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./^{}~-]+$/.test(arg) ? arg : JSON.stringify(arg);
}
