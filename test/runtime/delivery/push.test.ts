import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOmkError } from '../../../src/core/errors.js';
import { buildPushArgs, pushBranch } from '../../../src/runtime/delivery/push.js';
import { pushAuth, tokenOrigin } from '../../../src/runtime/delivery/push-auth.js';
import { startFakeGitHub } from '../../fixtures/fake-github/index.js';
import { makeSandbox } from '../git/helpers.js';
import type { Sandbox } from '../git/helpers.js';

const BRANCH = 'omk/g1/integration';
let sb: Sandbox;
let bare: string;

beforeEach(() => {
  sb = makeSandbox();
  bare = path.join(sb.dir, 'remote.git');
  sb.git(['init', '-q', '--bare', bare], sb.dir);
  sb.git(['remote', 'add', 'origin', bare]);
});
afterEach(() => sb.cleanup());

const remoteSha = (branch = BRANCH) => sb.git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], bare);
const noForce = (argv: readonly string[]) => {
  expect(argv.some((a) => /^--force|^-f$|^--mirror$|^--delete$|^-d$/.test(a))).toBe(false);
  expect(argv.some((a) => a.startsWith('+') || a.startsWith(':'))).toBe(false);
};

describe('pushBranch', () => {
  it('creates the branch on a bare remote at the sha, then fast-forwards it, then does nothing', async () => {
    const first = sb.git(['rev-parse', 'HEAD']);
    const created = await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: first });
    expect(created).toMatchObject({ outcome: 'created', previousSha: null, sha: first, url: bare, branch: BRANCH });
    expect(remoteSha()).toBe(first);
    expect(created.argv).toEqual(['git', ...buildPushArgs({ remote: 'origin', sha: first, branch: BRANCH })]);
    noForce(created.argv!);

    const second = sb.commit('third', { 'src/c.ts': 'export const c = 3;\n' });
    const advanced = await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: 'HEAD' });
    expect(advanced).toMatchObject({ outcome: 'fast_forward', previousSha: first, sha: second });
    expect(remoteSha()).toBe(second);

    const again = await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: second });
    expect(again).toMatchObject({ outcome: 'up_to_date', argv: null, previousSha: second });
  });

  it('accepts a path as the remote and leaves other remote branches alone', async () => {
    const head = sb.git(['rev-parse', 'HEAD']);
    await pushBranch({ git: sb.ctx, remote: bare, branch: BRANCH, sha: head });
    expect(remoteSha()).toBe(head);
    expect(sb.git(['for-each-ref', '--format=%(refname)'], bare)).toBe(`refs/heads/${BRANCH}`);
  });

  it('refuses a non-fast-forward and leaves the remote branch unchanged', async () => {
    const head = sb.git(['rev-parse', 'HEAD']);
    await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: head });
    sb.git(['checkout', '-q', '-b', 'other', 'HEAD~1']);
    const diverging = sb.commit('elsewhere', { 'x.txt': 'x\n' });

    const error = await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: diverging }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('failed');
    expect((error as Error).message).toContain('not in the history of');
    expect((error as Error).message).toContain('omk never force-pushes');
    expect(remoteSha()).toBe(head);
  });

  it('refuses when someone else advanced the remote branch with a commit it does not have', async () => {
    const head = sb.git(['rev-parse', 'HEAD']);
    await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: head });
    // Another clone pushes a commit on top.
    const other = path.join(sb.dir, 'other');
    sb.git(['clone', '-q', '--branch', BRANCH, bare, other], sb.dir);
    const theirs = sb.commit('theirs', { 'theirs.txt': 't\n' }, other);
    sb.git(['push', '-q', 'origin', `HEAD:refs/heads/${BRANCH}`], other);
    const ours = sb.commit('ours', { 'ours.txt': 'o\n' });

    await expect(pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: ours })).rejects.toThrow(/not in the history of/);
    expect(remoteSha()).toBe(theirs);
    // The fetch that checked ancestry moved no ref: the tracking branch is where our own push left it.
    expect(sb.git(['rev-parse', `refs/remotes/origin/${BRANCH}`])).toBe(head);
  });

  it('refuses an invalid branch name and an option-like remote', async () => {
    await expect(pushBranch({ git: sb.ctx, remote: 'origin', branch: 'bad..name', sha: 'HEAD' })).rejects.toThrow(/not a valid branch name/);
    await expect(pushBranch({ git: sb.ctx, remote: '--receive-pack=evil', branch: BRANCH, sha: 'HEAD' })).rejects.toThrow();
  });
});

describe('no force anywhere', () => {
  it('buildPushArgs pushes one exact refspec without force', () => {
    const argv = buildPushArgs({ remote: 'origin', sha: 'a'.repeat(40), branch: BRANCH });
    noForce(argv);
    expect(argv.slice(-3)).toEqual(['--', 'origin', `${'a'.repeat(40)}:refs/heads/${BRANCH}`]);
    expect(argv).toContain('core.hooksPath=/dev/null');
    expect(buildPushArgs({ remote: 'origin', sha: 'a'.repeat(40), branch: BRANCH, runHooks: true })).not.toContain('core.hooksPath=/dev/null');
  });

  it('no delivery source file contains a force flag', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
    const root = path.resolve(__dirname, '../../../src');
    for (const file of [...files(path.join(root, 'runtime/delivery')), ...files(path.join(root, 'core/delivery'))]) {
      const code = readFileSync(file, 'utf8').replace(/\/\*\*?[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/['"`]--force|['"`]-f['"`]|force-with-lease|['"`]\+\$\{/);
    }
  });
});

describe('credentials', () => {
  const TOKEN = 'ghp_0123456789abcdefABCDEF0123456789abcd';

  it('gives the token to git as an http.extraHeader in the environment, scoped to the origin', () => {
    const auth = pushAuth('https://github.com/o/r.git', TOKEN, { PATH: '/bin', GIT_CONFIG_COUNT: '1', GIT_TRACE_CURL: '1' });
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    expect(auth.extraEnv).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_1: '',
      GIT_CONFIG_KEY_2: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_2: `Authorization: Basic ${basic}`,
    });
    expect(auth.env.GIT_TRACE_CURL).toBeUndefined();
    expect(auth.secrets).toEqual([TOKEN, basic]);
  });

  it('sends no token to ssh, file or plain-http remotes (loopback http excepted, for tests)', () => {
    for (const url of ['git@github.com:o/r.git', 'ssh://git@github.com/o/r.git', '/srv/r.git', 'file:///srv/r.git', 'http://example.com/o/r.git']) {
      expect(pushAuth(url, TOKEN, {}).extraEnv, url).toEqual({});
    }
    expect(tokenOrigin('http://127.0.0.1:8080/o/r.git')).toBe('http://127.0.0.1:8080');
  });

  it('sends a file remote no token and still pushes', async () => {
    const head = sb.git(['rev-parse', 'HEAD']);
    const result = await pushBranch({ git: sb.ctx, remote: 'origin', branch: BRANCH, sha: head, token: TOKEN });
    expect(result.outcome).toBe('created');
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('over http the token reaches git as a header, never the argv or the error', async () => {
    const gh = await startFakeGitHub({ repos: [{ owner: 'o', repo: 'r' }] });
    try {
      sb.git(['remote', 'add', 'hub', `${gh.url}/o/r.git`]);
      const error = await pushBranch({ git: sb.ctx, remote: 'hub', branch: BRANCH, sha: 'HEAD', token: TOKEN }).catch((e: unknown) => e);
      expect(isOmkError(error)).toBe(true);
      const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
      expect((error as Error).message).not.toContain(TOKEN);
      expect((error as Error).message).not.toContain(basic);
      const gitRequests = gh.requests.filter((r) => r.git);
      expect(gitRequests.length).toBeGreaterThan(0);
      expect(gitRequests[0]!.authorization).toBe(`Basic ${basic}`);
      expect(gitRequests[0]!.path).toBe('/o/r.git/info/refs');
      // Nothing was written to the repository's config.
      expect(readFileSync(path.join(sb.repo, '.git/config'), 'utf8')).not.toContain('extraheader');
    } finally {
      await gh.close();
    }
  });
});
