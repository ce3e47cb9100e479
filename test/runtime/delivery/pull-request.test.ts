import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prMarker } from '../../../src/core/delivery/marker.js';
import { isOmkError } from '../../../src/core/errors.js';
import type { OmkError } from '../../../src/core/errors.js';
import { checkStatesFrom, createGitHubApi } from '../../../src/runtime/delivery/github-client.js';
import type { GitHubApi } from '../../../src/runtime/delivery/github-client.js';
import { openOrUpdatePullRequest } from '../../../src/runtime/delivery/pull-request.js';
import { startFakeGitHub } from '../../fixtures/fake-github/index.js';
import type { FakeGitHub } from '../../fixtures/fake-github/index.js';

const HEAD = 'omk/g1/integration';
const SHA = 'ab'.repeat(20);
let gh: FakeGitHub;
let api: GitHubApi;

beforeEach(async () => {
  gh = await startFakeGitHub({ repos: [{ owner: 'o', repo: 'r' }] });
  gh.setRef('o', 'r', HEAD, SHA);
  gh.setRef('o', 'r', 'main', 'cd'.repeat(20));
  api = await createGitHubApi({ token: gh.token, baseUrl: gh.url });
});
afterEach(() => gh.close());

const body = (text: string, goal = 'g1') => `${text}\n\n${prMarker(goal)}\n`;
const open = (over: Partial<Parameters<typeof openOrUpdatePullRequest>[1]> = {}) =>
  openOrUpdatePullRequest(api, { owner: 'o', repo: 'r', head: HEAD, base: 'main', title: 'Add it', body: body('first'), draft: false, ...over });
const caught = async (p: Promise<unknown>): Promise<OmkError> => {
  const e = await p.catch((error: unknown) => error);
  if (!isOmkError(e)) throw new Error(`expected an OmkError, got ${String(e)}`);
  return e;
};

describe('openOrUpdatePullRequest', () => {
  it('creates a PR with the body, then updates the same PR (found by its marker) instead of opening another', async () => {
    const created = await open();
    expect(created).toMatchObject({ operation: 'created', number: 1, draft: false, url: `${gh.url}/o/r/pull/1` });
    expect(gh.pulls('o', 'r')).toHaveLength(1);
    expect(gh.pulls('o', 'r')[0]).toMatchObject({ title: 'Add it', body: body('first'), head: HEAD, base: 'main', draft: false });

    const updated = await open({ title: 'Add it (v2)', body: body('second') });
    expect(updated).toMatchObject({ operation: 'updated', number: 1 });
    expect(gh.pulls('o', 'r')).toHaveLength(1);
    expect(gh.pulls('o', 'r')[0]).toMatchObject({ title: 'Add it (v2)', body: body('second') });

    const calls = gh.apiRequests().map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual([
      'GET /repos/o/r',
      'GET /repos/o/r/pulls',
      'POST /repos/o/r/pulls',
      'GET /repos/o/r',
      'GET /repos/o/r/pulls',
      'PATCH /repos/o/r/pulls/1',
    ]);
    expect(gh.apiRequests()[1]!.query).toMatchObject({ state: 'open', head: `o:${HEAD}` });
    expect(gh.apiRequests().every((r) => r.authorization === `token ${gh.token}`)).toBe(true);
  });

  it('opens a draft when asked', async () => {
    const created = await open({ draft: true });
    expect(created.draft).toBe(true);
    expect(gh.pulls('o', 'r')[0]!.draft).toBe(true);
    expect(gh.apiRequests().find((r) => r.method === 'POST')!.body).toMatchObject({ draft: true });
  });

  it('makes no request on a dry run', async () => {
    const dry = await open({ dryRun: true });
    expect(dry).toMatchObject({ operation: 'dry_run', number: null, url: null, title: 'Add it' });
    expect(gh.requests).toHaveLength(0);
  });

  it('does not treat another goal\'s PR, or a closed one, as its own', async () => {
    gh.addPull('o', 'r', { title: 'old', body: body('old'), head: HEAD, base: 'main', draft: false, state: 'closed' });
    gh.addPull('o', 'r', { title: 'other goal', body: body('x', 'g2'), head: HEAD, base: 'dev', draft: false });
    const error = await caught(open());
    expect(error.code).toBe('failed');
    expect(error.message).toContain('pull request #2');
    expect(error.message).toContain('was not opened by omk for goal g1');
    expect(gh.pulls('o', 'r')[1]!.body).toBe(body('x', 'g2'));
  });

  it('refuses a body without the marker', async () => {
    expect((await caught(open({ body: 'no marker' }))).code).toBe('usage');
    expect(gh.requests).toHaveLength(0);
  });
});

describe('GitHub errors', () => {
  it('401: the token is invalid (blocked), and the token is not in the message', async () => {
    const bad = await createGitHubApi({ token: 'ghp_wrongWRONGwrong0123456789abcdefABCD', baseUrl: gh.url });
    const error = await caught(openOrUpdatePullRequest(bad, { owner: 'o', repo: 'r', head: HEAD, base: 'main', title: 't', body: body('b'), draft: false }));
    expect(error.code).toBe('blocked');
    expect(error.message).toBe('GitHub API GET /repos/o/r failed (HTTP 401): Bad credentials');
    expect(error.hint).toMatch(/token.*invalid/);
    expect(`${error.message} ${error.hint}`).not.toContain('ghp_wrong');
  });

  it('404: no such repository or no access', async () => {
    const error = await caught(openOrUpdatePullRequest(api, { owner: 'o', repo: 'missing', head: HEAD, base: 'main', title: 't', body: body('b'), draft: false }));
    expect(error.code).toBe('failed');
    expect(error.message).toContain('GitHub API GET /repos/o/missing failed (HTTP 404)');
    expect(error.hint).toContain('repository o/missing was not found, or the token has no access to it');
  });

  it('422: GitHub\'s own explanation, e.g. no commits between the branches', async () => {
    gh.setRef('o', 'r', HEAD, 'cd'.repeat(20)); // same commit as main
    const error = await caught(open());
    expect(error.code).toBe('failed');
    expect(error.message).toBe(`GitHub API POST /repos/o/r/pulls failed (HTTP 422): Validation Failed; No commits between main and ${HEAD}`);
    expect(error.hint).toContain('nothing to open a pull request for');
  });

  it('fault switches: 422 and 500 on one route, then back to normal', async () => {
    gh.fault({ status: 422, method: 'POST', path: '/pulls', times: 1, message: 'base: invalid' });
    expect((await caught(open())).message).toContain('HTTP 422');
    gh.fault({ status: 500, path: /\/pulls$/, times: 1 });
    const down = await caught(open());
    expect(down.code).toBe('blocked');
    expect(down.retryable).toBe(true);
    expect(down.message).toContain('HTTP 500');
    expect((await open()).operation).toBe('created');
  });

  it('a request that never gets an answer times out as blocked', async () => {
    const quick = await createGitHubApi({ token: gh.token, baseUrl: gh.url, timeoutMs: 300 });
    gh.fault({ status: 'hang', path: '/repos/o/r' });
    const error = await caught(quick.getRepo('o', 'r'));
    expect(error.code).toBe('blocked');
    expect(error.message).toBe('GitHub API GET /repos/o/r timed out (no answer within 300 ms)');
  });

  it('an unreachable server is blocked and retryable', async () => {
    const url = gh.url;
    await gh.close();
    const gone = await createGitHubApi({ token: 'x', baseUrl: url });
    const error = await caught(gone.getRepo('o', 'r'));
    expect(error.code).toBe('blocked');
    expect(error.retryable).toBe(true);
  });
});

describe('checkStatesFrom', () => {
  it('reduces check runs and statuses to one state per name, failure winning', () => {
    expect(
      checkStatesFrom(
        [
          { name: 'ci', status: 'completed', conclusion: 'success' },
          { name: 'lint', status: 'in_progress', conclusion: null },
          { name: 'skip', status: 'completed', conclusion: 'skipped' },
          { name: 'bad', status: 'completed', conclusion: 'timed_out' },
        ],
        [
          { context: 'ci', state: 'failure' },
          { context: 'deploy', state: 'pending' },
          { context: 'ok', state: 'success' },
        ],
      ),
    ).toEqual({ ci: 'failure', lint: 'pending', skip: 'success', bad: 'failure', deploy: 'pending', ok: 'success' });
  });
});
