import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_GIT_IDENTITY,
  GitError,
  gitEnv,
  gitLine,
  gitVersion,
  parseGitVersion,
  runGit,
  versionAtLeast,
} from '../../../src/runtime/git/index.js';
import { makeSandbox } from './helpers.js';
import type { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('gitEnv', () => {
  it('passes GIT_* and base names, drops secrets and location variables, fixes prompts, locale and identity', () => {
    const env = gitEnv({
      PATH: '/bin',
      HOME: '/h',
      LC_ALL: 'de_DE.UTF-8',
      AWS_SECRET_ACCESS_KEY: 'x',
      GITHUB_TOKEN: 'y',
      GIT_SSH_COMMAND: 'ssh -i k',
      GIT_DIR: '/elsewhere/.git',
      GIT_INDEX_FILE: '/elsewhere/index',
      GIT_WORK_TREE: '/elsewhere',
      GIT_TERMINAL_PROMPT: '1',
      GIT_AUTHOR_NAME: 'Someone',
    });
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/h',
      LC_ALL: 'C',
      GIT_SSH_COMMAND: 'ssh -i k',
      GIT_TERMINAL_PROMPT: '0',
      GIT_EDITOR: 'true',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_AUTHOR_NAME: 'omk',
      GIT_AUTHOR_EMAIL: 'omk@localhost',
      GIT_COMMITTER_NAME: 'omk',
      GIT_COMMITTER_EMAIL: 'omk@localhost',
    });
  });

  it('takes a configured identity, and extra variables win', () => {
    const env = gitEnv({}, { name: 'Bot', email: 'bot@example.com' }, { GIT_INDEX_FILE: '/tmp/i' });
    expect(env.GIT_AUTHOR_NAME).toBe('Bot');
    expect(env.GIT_COMMITTER_EMAIL).toBe('bot@example.com');
    expect(env.GIT_INDEX_FILE).toBe('/tmp/i');
    expect(DEFAULT_GIT_IDENTITY).toEqual({ name: 'omk', email: 'omk@localhost' });
  });
});

describe('runGit', () => {
  it('ignores a GIT_DIR in the caller environment (omk run from inside a hook)', async () => {
    const other = makeSandbox();
    try {
      const ctx = { cwd: sb.repo, env: { ...sb.env, GIT_DIR: path.join(other.repo, '.git') } };
      expect(await gitLine(ctx, ['rev-parse', '--show-toplevel'])).toBe(sb.repo);
    } finally {
      other.cleanup();
    }
  });

  it('returns expected non-zero exits as answers', async () => {
    const result = await runGit(sb.ctx, ['diff', '--quiet', 'HEAD~1', 'HEAD'], { okCodes: [0, 1] });
    expect(result.exitCode).toBe(1);
  });

  it('throws a GitError naming the command, exit code, cwd and stderr', async () => {
    const error = await runGit(sb.ctx, ['rev-parse', '--verify', 'no-such-ref']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    const e = error as GitError;
    expect(e.code).toBe('io');
    expect(e.exitCode).toBe(128);
    expect(e.command).toEqual(['git', 'rev-parse', '--verify', 'no-such-ref']);
    expect(e.message).toContain('git rev-parse --verify no-such-ref failed (exit 128)');
    expect(e.message).toContain(sb.repo);
    expect(e.stderrTail).toMatch(/Needed a single revision/);
    expect(e.hint).toBeTruthy();
  });

  it('says not_a_repo outside a repository', async () => {
    const error = (await runGit({ cwd: sb.dir, env: sb.env }, ['status']).catch((e: unknown) => e)) as GitError;
    expect(error.code).toBe('not_a_repo');
    expect(error.message).toContain('git status failed');
  });

  it('says io for a missing cwd and binary_missing when git is not on PATH', async () => {
    const missing = (await runGit({ cwd: path.join(sb.dir, 'nope'), env: sb.env }, ['status']).catch((e: unknown) => e)) as GitError;
    expect(missing.code).toBe('io');
    expect(missing.message).toContain('could not start');
    const noGit = (await runGit({ cwd: sb.repo, env: { ...sb.env, PATH: sb.dir } }, ['status']).catch((e: unknown) => e)) as GitError;
    expect(noGit.code).toBe('binary_missing');
  });

  it('reports a timeout as a retryable GitError and stops the tree', async () => {
    // A shell alias stands in for a hung hook or credential helper.
    const args = ['-c', 'alias.hang=!sleep 30', 'hang'];
    const error = (await runGit({ ...sb.ctx, timeoutMs: 200 }, args).catch((e: unknown) => e)) as GitError;
    expect(error).toBeInstanceOf(GitError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('timed out after 200 ms');
    expect(error.message).toContain('git -c');
  });

  it('reports a cancellation as interrupted', async () => {
    const controller = new AbortController();
    const pending = runGit({ ...sb.ctx, signal: controller.signal }, ['-c', 'alias.hang=!sleep 30', 'hang']).catch((e: unknown) => e);
    controller.abort('test');
    const error = (await pending) as GitError;
    expect(error.code).toBe('interrupted');
  });
});

describe('gitVersion', () => {
  it('parses version strings and compares', async () => {
    expect(parseGitVersion('git version 2.39.5')).toMatchObject({ major: 2, minor: 39, patch: 5 });
    expect(parseGitVersion('git version 2.40.0.windows.1')).toMatchObject({ major: 2, minor: 40, patch: 0 });
    expect(versionAtLeast(parseGitVersion('2.38.0'), 2, 38)).toBe(true);
    expect(versionAtLeast(parseGitVersion('2.37.9'), 2, 38)).toBe(false);
    expect(versionAtLeast(parseGitVersion('3.0'), 2, 38)).toBe(true);
    const v = await gitVersion(sb.ctx);
    expect(v.major).toBeGreaterThanOrEqual(2);
  });
});
