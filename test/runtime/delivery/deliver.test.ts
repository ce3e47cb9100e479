import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasPrMarker } from '../../../src/core/delivery/marker.js';
import { isOmkError } from '../../../src/core/errors.js';
import { buildProof } from '../../../src/core/proof/proof.js';
import type { ProofDocument } from '../../../src/core/proof/proof-schema.js';
import { baseBranchOf, deliverPullRequest } from '../../../src/runtime/delivery/deliver.js';
import { mergeGoalPullRequest } from '../../../src/runtime/delivery/merge.js';
import { startFakeGitHub } from '../../fixtures/fake-github/index.js';
import type { FakeGitHub } from '../../fixtures/fake-github/index.js';
import { HEAD as FIXTURE_HEAD, readyEvidence } from '../../core/proof/fixtures.js';
import { whichSync } from '../../../src/runtime/process/index.js';
import { makeSandbox } from '../git/helpers.js';
import type { Sandbox } from '../git/helpers.js';

const BRANCH = 'omk/g-0001/integration';
let sb: Sandbox;
let bare: string;
let gh: FakeGitHub;

beforeEach(async () => {
  sb = makeSandbox();
  bare = path.join(sb.dir, 'remote.git');
  sb.git(['init', '-q', '--bare', bare], sb.dir);
  sb.git(['remote', 'add', 'origin', bare]);
  sb.git(['push', '-q', 'origin', 'HEAD~1:refs/heads/main']);
  gh = await startFakeGitHub({ repos: [{ owner: 'o', repo: 'r' }] });
});
afterEach(async () => {
  await gh.close();
  sb.cleanup();
});

/** A ready proof whose head is the sandbox's real HEAD commit. */
function proofAtHead(change?: (p: ProofDocument) => void): ProofDocument {
  const sha = sb.git(['rev-parse', 'HEAD']);
  const tree = sb.git(['rev-parse', 'HEAD^{tree}']);
  const ev = readyEvidence();
  ev.head = { sha, tree };
  ev.gates = ev.gates.map((g) => (g.tree_sha === FIXTURE_HEAD.tree ? { ...g, tree_sha: tree } : g));
  for (const r of Object.values(ev.reviews)) if (r.reviewed_sha === FIXTURE_HEAD.sha) r.reviewed_sha = sha;
  const proof = buildProof(ev, { generatedAt: '2025-01-02T03:04:05.000Z' });
  change?.(proof);
  return proof;
}
/** An env whose PATH has git and nothing else (so no `gh`), and no token. */
function envWithoutGh(): Record<string, string> {
  const dir = path.join(sb.dir, 'git-only');
  mkdirSync(dir, { recursive: true });
  const git = whichSync('git', sb.env);
  if (git === undefined) throw new Error('git not on PATH');
  symlinkSync(git, path.join(dir, 'git'));
  return { ...sb.env, PATH: dir };
}
const github = () => ({ owner: 'o', repo: 'r', apiBaseUrl: gh.url, token: gh.token });

describe('deliverPullRequest', () => {
  it('pushes the proof head to the integration branch and opens the PR; a second delivery updates it', async () => {
    const proof = proofAtHead();
    expect(proof.status).toBe('ready');
    gh.setRef('o', 'r', 'main', sb.git(['rev-parse', 'HEAD~1']));
    gh.setRef('o', 'r', BRANCH, proof.head!.sha);

    const first = await deliverPullRequest({ git: sb.ctx, proof, goalPrompt: 'add rate limiting to the API', draft: true, github: github() });
    expect(sb.git(['rev-parse', `refs/heads/${BRANCH}`], bare)).toBe(proof.head!.sha);
    expect(first).toMatchObject({ dryRun: false, branch: BRANCH, base: 'main', title: 'add rate limiting to the API', tokenSource: 'given' });
    expect(first.push).toMatchObject({ outcome: 'created', sha: proof.head!.sha });
    expect(first.pr).toMatchObject({ operation: 'created', number: 1, draft: true });
    const pull = gh.pulls('o', 'r')[0]!;
    expect(pull.body).toBe(first.body);
    expect(hasPrMarker(pull.body, 'g-0001')).toBe(true);

    const second = await deliverPullRequest({ git: sb.ctx, proof, goalPrompt: 'add rate limiting to the API', draft: true, github: github(), costUsd: 2 });
    expect(second.push!.outcome).toBe('up_to_date');
    expect(second.pr).toMatchObject({ operation: 'updated', number: 1 });
    expect(gh.pulls('o', 'r')).toHaveLength(1);
    expect(gh.pulls('o', 'r')[0]!.body).toContain('Cost so far: $2.0000.');
  });

  it('a dry run renders everything and makes no request, no push and no token lookup', async () => {
    const proof = proofAtHead();
    const dry = await deliverPullRequest({
      git: { ...sb.ctx, env: envWithoutGh() },
      proof,
      goalPrompt: 'add rate limiting',
      draft: false,
      dryRun: true,
      github: { owner: 'o', repo: 'r', apiBaseUrl: gh.url },
    });
    expect(dry).toMatchObject({ dryRun: true, push: null, tokenSource: null, pr: { operation: 'dry_run', number: null } });
    expect(dry.body).toContain('**Verdict: `ready`**');
    expect(dry.pushArgv.slice(-1)).toEqual([`${proof.head!.sha}:refs/heads/${BRANCH}`]);
    expect(gh.requests).toHaveLength(0);
    expect(sb.git(['for-each-ref', '--format=%(refname)', 'refs/heads/omk'], bare)).toBe('');
  });

  it('is blocked without a token, before pushing anything', async () => {
    const error = await deliverPullRequest({
      git: { ...sb.ctx, env: envWithoutGh() },
      proof: proofAtHead(),
      goalPrompt: 'g',
      draft: false,
      github: { owner: 'o', repo: 'r', apiBaseUrl: gh.url },
    }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('blocked');
    expect(sb.git(['for-each-ref', '--format=%(refname)', 'refs/heads/omk'], bare)).toBe('');
    expect(gh.requests).toHaveLength(0);
  });

  it('refuses a proof without an integration head, and a remote that is not a GitHub repository', async () => {
    await expect(deliverPullRequest({ git: sb.ctx, proof: proofAtHead((p) => (p.head = null)), goalPrompt: 'g', draft: false, github: github() })).rejects.toThrow(
      /no integration head commit/,
    );
    await expect(deliverPullRequest({ git: sb.ctx, proof: proofAtHead(), goalPrompt: 'g', draft: false, dryRun: true })).rejects.toThrow(
      /cannot tell which GitHub repository/,
    );
  });

  it('takes the repository from a GitHub remote URL', async () => {
    sb.git(['remote', 'add', 'gh', 'git@github.com:acme/widgets.git']);
    const dry = await deliverPullRequest({ git: sb.ctx, proof: proofAtHead(), goalPrompt: 'g', draft: false, dryRun: true, remote: 'gh' });
    expect(dry.repo).toEqual({ host: 'github.com', owner: 'acme', repo: 'widgets' });
  });
});

describe('baseBranchOf', () => {
  it('takes a branch name and refuses HEAD or a sha', () => {
    expect(baseBranchOf('refs/heads/main')).toBe('main');
    expect(baseBranchOf('release/1.x')).toBe('release/1.x');
    expect(() => baseBranchOf('HEAD')).toThrow(/not a branch/);
    expect(() => baseBranchOf('9a'.repeat(20))).toThrow(/not a branch/);
  });
});

describe('mergeGoalPullRequest', () => {
  async function delivered(change?: (p: ProofDocument) => void): Promise<ProofDocument> {
    const proof = proofAtHead(change);
    gh.setRef('o', 'r', 'main', sb.git(['rev-parse', 'HEAD~1']));
    gh.setRef('o', 'r', BRANCH, proof.head!.sha);
    await deliverPullRequest({ git: sb.ctx, proof, goalPrompt: 'g', draft: false, github: github() });
    return proof;
  }
  const merges = () => gh.apiRequests().filter((r) => r.method === 'PUT');

  it('gated: refused while a required check failed, merged (method merge, pinned sha) once all passed', async () => {
    const proof = await delivered();
    const sha = proof.head!.sha;
    gh.setCheckRuns('o', 'r', sha, [{ name: 'ci', status: 'completed', conclusion: 'failure' }]);
    gh.setStatuses('o', 'r', sha, [{ context: 'lint', state: 'success' }]);
    const refused = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'gated', requiredChecks: ['ci', 'lint'], github: github() });
    expect(refused).toMatchObject({ outcome: 'refused', reason: 'required check `ci` failed', checks: { ci: 'failure', lint: 'success' } });
    expect(merges()).toHaveLength(0);

    gh.setCheckRuns('o', 'r', sha, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    const merged = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'gated', requiredChecks: ['ci', 'lint'], github: github() });
    expect(merged).toMatchObject({ outcome: 'merged', number: 1, headSha: sha });
    expect(merges()).toHaveLength(1);
    expect(merges()[0]!.body).toMatchObject({ merge_method: 'merge', sha });
    expect(gh.pulls('o', 'r')[0]).toMatchObject({ merged: true, mergeMethod: 'merge' });
  });

  it('gated: refused when the verdict is not ready', async () => {
    const proof = await delivered((p) => (p.status = 'not_ready'));
    const out = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'gated', github: github() });
    expect(out).toMatchObject({ outcome: 'refused', reason: 'the verdict is `not_ready`; omk merges only a `ready` goal' });
    expect(merges()).toHaveLength(0);
  });

  it('manual: refused without a recorded accept, merged after one', async () => {
    const proof = await delivered();
    const refused = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'manual', github: github() });
    expect(refused.outcome).toBe('refused');
    expect(refused.reason).toContain('no human accept is recorded');
    expect(merges()).toHaveLength(0);

    proof.human.decisions.push({ kind: 'accept', by: 'ann', at: '2025-01-02T04:00:00Z', text: 'looks right' });
    const merged = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'manual', github: github() });
    expect(merged.outcome).toBe('merged');
  });

  it('disabled: refused before any token lookup or request', async () => {
    const proof = await delivered();
    const before = gh.requests.length;
    await expect(mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'disabled', github: github() })).rejects.toThrow(/`disabled`/);
    expect(gh.requests).toHaveLength(before);
  });

  it('refuses when the PR head moved past the proof, and when the PR is a draft', async () => {
    const proof = await delivered();
    gh.setRef('o', 'r', BRANCH, 'ef'.repeat(20));
    const moved = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'gated', github: github() });
    expect(moved.outcome).toBe('refused');
    expect(moved.reason).toContain('but the proof is about');

    gh.setRef('o', 'r', BRANCH, proof.head!.sha);
    gh.pulls('o', 'r')[0]!.draft = true;
    const draft = await mergeGoalPullRequest({ git: sb.ctx, proof, policy: 'gated', github: github() });
    expect(draft).toMatchObject({ outcome: 'refused', reason: 'pull request #1 is a draft; mark it ready for review on GitHub, then merge again' });
    expect(merges()).toHaveLength(0);
  });

  it('says so when the goal has no open PR', async () => {
    const error = await mergeGoalPullRequest({ git: sb.ctx, proof: proofAtHead(), policy: 'gated', github: github() }).catch((e: unknown) => e);
    expect(isOmkError(error) && error.code).toBe('not_found');
  });
});
