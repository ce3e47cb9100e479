import { existsSync } from 'node:fs';
import { runProcess } from '../process/index.js';
import type { ProcessResult } from '../process/index.js';
import { gitEnv } from './git-env.js';
import type { GitIdentity } from './git-env.js';
import { GitError } from './git-error.js';

/** Where and how git runs. Every function in this folder takes one. */
export interface GitContext {
  /** The directory git runs in (a repository, a worktree, or a folder inside one). */
  cwd: string;
  /** The caller's environment. Only the base names and `GIT_*` reach git (see gitEnv). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Author and committer of commits omk makes.
   * @default DEFAULT_GIT_IDENTITY (`omk <omk@localhost>`)
   */
  identity?: GitIdentity;
  /**
   * Per git invocation.
   * @default 120000
   */
  timeoutMs?: number;
  /** Cancels the running git invocation (its process group is stopped). */
  signal?: AbortSignal;
}

export const DEFAULT_GIT_TIMEOUT_MS = 120_000;
/** Output kept per stream. Past it a parsed answer would be wrong, so runGit fails instead. */
export const DEFAULT_GIT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface RunGitOptions {
  /**
   * Exit codes that are answers rather than failures (e.g. `[0, 1]` for `diff --quiet`).
   * @default [0]
   */
  okCodes?: readonly number[];
  /** Written to git's stdin. */
  input?: string;
  /** Added to (and winning over) the environment built by gitEnv, e.g. `GIT_INDEX_FILE`. */
  extraEnv?: Readonly<Record<string, string>>;
  /**
   * Per-stream cap; a truncated stdout is an error unless `allowTruncated`.
   * @default DEFAULT_GIT_MAX_OUTPUT_BYTES
   */
  maxOutputBytes?: number;
  /** Return a truncated stdout (head and tail) instead of failing. @default false */
  allowTruncated?: boolean;
  /** Overrides the hint of a failure. */
  hint?: string;
}

/** The answer of one git invocation whose exit code was in `okCodes`. */
export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
}

/**
 * Runs `git ARGS` through runProcess (argv, no shell, explicit environment). Resolves when the exit
 * code is in `okCodes`; otherwise rejects with a GitError naming the command, exit code and stderr.
 */
export async function runGit(ctx: GitContext, args: readonly string[], opts: RunGitOptions = {}): Promise<GitResult> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const result = await runProcess({
    command: 'git',
    args: [...args],
    cwd: ctx.cwd,
    env: gitEnv(ctx.env, ctx.identity, opts.extraEnv),
    timeoutMs,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_GIT_MAX_OUTPUT_BYTES,
    ...(opts.input === undefined ? {} : { input: opts.input }),
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  });
  const okCodes = opts.okCodes ?? [0];
  const failure = classify(result, okCodes, timeoutMs, opts);
  if (failure) throw failure;
  return {
    exitCode: result.exitCode ?? 0,
    stdout: result.stdout,
    stderr: result.stderr,
    stdoutTruncated: result.stdoutTruncated,
  };
}

/** Runs git and returns trimmed stdout (the common "ask git one thing" case). */
export async function gitLine(ctx: GitContext, args: readonly string[], opts: RunGitOptions = {}): Promise<string> {
  return (await runGit(ctx, args, opts)).stdout.trim();
}

/** Splits NUL-separated output, dropping the empty tail. */
export function splitNul(text: string): string[] {
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

function classify(
  result: ProcessResult,
  okCodes: readonly number[],
  timeoutMs: number,
  opts: RunGitOptions,
): GitError | undefined {
  const command = ['git', ...result.args];
  const base = { command, cwd: result.cwd, exitCode: result.exitCode, stderr: result.stderr };
  if (result.spawnError) {
    // spawn reports a missing cwd as ENOENT too; only a present cwd means git itself is missing.
    if (result.spawnError.code === 'ENOENT' && existsSync(result.cwd)) {
      return new GitError({ ...base, code: 'binary_missing', reason: 'git not found', hint: 'install git and make sure it is on PATH' });
    }
    return new GitError({
      ...base,
      code: 'io',
      reason: `could not start: ${result.spawnError.message}`,
      hint: `check that ${result.cwd} exists and git is installed`,
    });
  }
  if (result.canceled) {
    return new GitError({ ...base, code: 'interrupted', reason: `canceled: ${result.cancelReason ?? 'aborted'}`, hint: 'the operation was canceled; run it again to finish it' });
  }
  if (result.timedOut) {
    return new GitError({
      ...base,
      code: 'io',
      retryable: true,
      reason: `timed out after ${timeoutMs} ms`,
      hint: 'raise the git timeout, or look for a hung hook, credential helper or network filesystem',
    });
  }
  if (result.exitCode === null || !okCodes.includes(result.exitCode)) {
    return new GitError({ ...base, ...explain(result.stderr, result.cwd, opts.hint) });
  }
  if (result.stdoutTruncated && !opts.allowTruncated) {
    return new GitError({
      ...base,
      code: 'io',
      reason: `output exceeded ${opts.maxOutputBytes ?? DEFAULT_GIT_MAX_OUTPUT_BYTES} bytes`,
      hint: 'the answer is too large to parse; narrow the request',
    });
  }
  return undefined;
}

function explain(stderr: string, cwd: string, hint: string | undefined): { code: 'not_a_repo' | 'io'; hint: string; retryable?: boolean } {
  if (/not a git repository/i.test(stderr)) {
    return { code: 'not_a_repo', hint: hint ?? `run this inside a git repository (${cwd} is not in one)` };
  }
  if (/index\.lock'?: File exists|Unable to create .*\.lock/i.test(stderr)) {
    return {
      code: 'io',
      retryable: true,
      hint: hint ?? 'another git process holds the lock; retry, or delete the stale .lock file if no git is running',
    };
  }
  return { code: 'io', hint: hint ?? `run the command by hand in ${cwd} to see git's full output` };
}
