import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOmkError } from '../../../src/core/errors.js';
import { resolveGitHubToken } from '../../../src/runtime/delivery/token.js';

let dir: string;
let bin: string;
let empty: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'omk-token-'));
  bin = path.join(dir, 'bin');
  empty = path.join(dir, 'empty');
  mkdirSync(bin);
  mkdirSync(empty);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `gh` on PATH: `auth token [--hostname H]` prints a token (or fails). */
function fakeGh(script: string): void {
  const file = path.join(bin, 'gh');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}
const PATH_WITH_GH = () => `${bin}:/usr/bin:/bin`;

describe('resolveGitHubToken', () => {
  it('takes GITHUB_TOKEN first, even when gh could answer', async () => {
    fakeGh('echo gho_from_gh');
    const t = await resolveGitHubToken({ env: { PATH: PATH_WITH_GH(), GITHUB_TOKEN: ' ghp_env \n', GH_TOKEN: 'other' }, cwd: dir });
    expect(t).toEqual({ token: 'ghp_env', source: 'GITHUB_TOKEN' });
  });

  it('then GH_TOKEN', async () => {
    const t = await resolveGitHubToken({ env: { PATH: empty, GH_TOKEN: 'ghp_gh_env' }, cwd: dir });
    expect(t).toEqual({ token: 'ghp_gh_env', source: 'GH_TOKEN' });
  });

  it('then `gh auth token` from PATH', async () => {
    fakeGh('[ "$1 $2" = "auth token" ] && [ -z "$3" ] && echo gho_from_gh && exit 0\nexit 9');
    const t = await resolveGitHubToken({ env: { PATH: PATH_WITH_GH(), GITHUB_TOKEN: '' }, cwd: dir });
    expect(t).toEqual({ token: 'gho_from_gh', source: 'gh' });
  });

  it('asks gh for the Enterprise host by name', async () => {
    fakeGh('[ "$3" = "--hostname" ] && echo "gho_for_$4" && exit 0\nexit 9');
    const t = await resolveGitHubToken({ env: { PATH: PATH_WITH_GH() }, cwd: dir, host: 'ghe.example.com' });
    expect(t).toEqual({ token: 'gho_for_ghe.example.com', source: 'gh' });
  });

  it('passes gh none of our other secrets', async () => {
    fakeGh('if [ -n "$OPENAI_API_KEY$MOONSHOT_API_KEY" ]; then echo leaked; else echo gho_clean; fi');
    const t = await resolveGitHubToken({ env: { PATH: PATH_WITH_GH(), OPENAI_API_KEY: 'sk-x', MOONSHOT_API_KEY: 'sk-y' }, cwd: dir });
    expect(t.token).toBe('gho_clean');
  });

  it('is blocked, naming both ways, when there is no token and no gh', async () => {
    const error = await resolveGitHubToken({ env: { PATH: empty }, cwd: dir }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('blocked');
    expect((error as Error).message).toBe('no GitHub token for github.com: GITHUB_TOKEN is not set and `gh` is not on PATH');
    expect(isOmkError(error) && error.hint).toMatch(/set GITHUB_TOKEN.*gh auth login/);
  });

  it('is blocked with gh\'s reason when gh has no login', async () => {
    fakeGh('echo "no oauth token found for github.com" >&2; exit 1');
    const error = await resolveGitHubToken({ env: { PATH: PATH_WITH_GH() }, cwd: dir }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('blocked');
    expect((error as Error).message).toContain('`gh auth token` failed (exit 1: no oauth token found for github.com)');
  });

  it('is blocked when gh prints nothing usable or hangs', async () => {
    fakeGh('echo');
    await expect(resolveGitHubToken({ env: { PATH: PATH_WITH_GH() }, cwd: dir })).rejects.toThrow(/printed no token/);
    fakeGh('exec sleep 30');
    await expect(resolveGitHubToken({ env: { PATH: PATH_WITH_GH() }, cwd: dir, timeoutMs: 300 })).rejects.toThrow(/did not answer within 300 ms/);
  });
});
