import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasPrMarker } from '../../src/core/delivery/marker.js';
import { integrationBranchName } from '../../src/runtime/git/index.js';
import { startFakeGitHub } from '../fixtures/fake-github/index.js';
import type { FakeGitHub } from '../fixtures/fake-github/index.js';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
type Step = Record<string, unknown>;

const GOAL = 'fix the failing test in math.js';
const FIX: Step[] = [
  { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
  { content: 'Fixed.' },
];
const NOOP: Step = { content: 'I looked at it; nothing to change.' };

/** Two independent tasks: the fix (integrated, so the branch has a commit) and a docs task the agent never does (from the base, its test fails). */
function twoTaskPlan(): Step {
  const plan = planStep();
  const graph = JSON.parse(plan.content.replace(/^```json\n|\n```$/g, '')) as { tasks: Array<Record<string, unknown>> };
  graph.tasks.push({ ...graph.tasks[0]!, id: 'docs', title: 'Document add()', depends_on: [], write_set: ['README.md'], acceptance: ['(optional) README mentions add()'] });
  return { label: 'plan', content: `\`\`\`json\n${JSON.stringify(graph, null, 2)}\n\`\`\`` };
}

interface RunJson {
  goal_id: string;
  status: string;
  delivery: {
    policy: string;
    merge_policy: string;
    outcome: string;
    reason: string;
    branch: string;
    head_sha: string | null;
    pr: { operation: string; number: number; url: string; draft: boolean } | null;
    push: { outcome: string } | null;
    merge: { outcome: string; reason: string } | null;
    error: { stage: string; code: string; message: string; hint: string | null; retry: string } | null;
    failure_event_seq: number | null;
  };
}

interface Proof {
  status: string;
  head: { sha: string } | null;
  base: { sha: string };
}

/**
 * `omk goal run --policy …`: delivery when the run reaches its verdict, on a real temp repository with a
 * local bare repository as `origin` and the fake GitHub server reading that bare repository's branches
 * (so a real `git push` is what makes `POST /pulls` succeed).
 */
describe('omk goal run --policy (delivery at the verdict)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  let gh: FakeGitHub;
  let bare: string;

  beforeEach(async () => {
    repo = sampleRepo();
    bare = path.join(path.dirname(repo.root), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main');
    gh = await startFakeGitHub({ repos: [{ owner: 'o', repo: 'r', gitDir: bare }] });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await gh.close();
    repo.cleanup();
  });

  const env = () => ({ ...repo.env, USER: 'alice', GITHUB_TOKEN: gh.token });
  const omk = (argv: string[], e: Record<string, string | undefined> = env()) => runOmk(argv, { cwd: repo.root, env: e });
  const remoteRefs = () => execFileSync('git', ['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: bare, encoding: 'utf8' });
  const goalDir = (id: string) => path.join(repo.root, '.omk', 'goals', id);
  const proofOf = (id: string) => JSON.parse(readFileSync(path.join(goalDir(id), 'proof.json'), 'utf8')) as Proof;
  const chain = (id: string) =>
    readFileSync(path.join(goalDir(id), 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; type: string; payload: Record<string, unknown> });

  async function start(steps: Step[], delivery: string[] = []): Promise<void> {
    server = await startModelServer({ scenario: { name: 't', steps } });
    repo.writeConfig([builtinConfig(server.url), '[delivery]', 'repository = "o/r"', `github_api_url = "${gh.url}"`, ...delivery, ''].join('\n'));
  }

  async function verifies(id: string): Promise<void> {
    const events = await omk(['events', 'verify', id, '--json']);
    expect(events.status, events.stdout + events.stderr).toBe(0);
    const proof = await omk(['goal', 'proof', id, '--verify', '--json']);
    expect(JSON.parse(proof.stdout)).toMatchObject({ ok: true });
  }

  it('draft-pr: pushes the proof head to the integration branch and opens a draft PR with the proof in its body', { timeout: 60_000 }, async () => {
    await start([planStep(), ...FIX]);
    const r = await omk(['goal', 'run', GOAL, '--policy', 'draft-pr', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as RunJson;
    const id = doc.goal_id;
    const head = proofOf(id).head!.sha;
    expect(doc.status).toBe('ready');
    expect(doc.delivery).toMatchObject({
      policy: 'draft-pr',
      merge_policy: 'disabled',
      outcome: 'opened',
      head_sha: head,
      push: { outcome: 'created' },
      pr: { operation: 'created', number: 1, draft: true },
      merge: { outcome: 'not_attempted' },
      error: null,
    });

    expect(remoteRefs()).toContain(`refs/heads/${integrationBranchName(id)} ${head}`);
    const pulls = gh.pulls('o', 'r');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ draft: true, head: integrationBranchName(id), base: 'main', title: GOAL, merged: false });
    const body = pulls[0]!.body;
    expect(body).toContain('**Verdict: `ready`**');
    expect(body).toContain('opened as a draft');
    for (const section of ['## Gates', '## Known gaps', '## Budget', `omk goal proof ${id} --verify`]) expect(body).toContain(section);
    expect(hasPrMarker(body, id)).toBe(true);
    expect(chain(id).at(-1)).toMatchObject({ type: 'delivery.pr_opened', payload: { number: 1, draft: true, head_sha: head, verdict: 'ready' } });
    const goalJson = JSON.parse(readFileSync(path.join(goalDir(id), 'goal.json'), 'utf8')) as { options: Record<string, unknown> };
    expect(goalJson.options).toMatchObject({ policy: 'draft-pr', merge_policy: 'disabled' });
    await verifies(id);
  });

  it('local (the default): pushes nothing and names the branch', { timeout: 60_000 }, async () => {
    await start([planStep(), ...FIX]);
    const before = remoteRefs();
    const r = await omk(['goal', 'run', GOAL]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const id = /goal (g-\S+): ready/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`delivery: policy \`local\`: nothing was pushed; the work is on ${integrationBranchName(id)}`);
    expect(remoteRefs()).toBe(before);
    expect(gh.requests).toHaveLength(0);
    expect(chain(id).map((e) => e.type).filter((t) => t.startsWith('delivery.'))).toEqual([]);
  });

  it('auto-pr --merge-policy gated on a ready goal: a PR ready for review, merged at the proof head', { timeout: 60_000 }, async () => {
    await start([planStep(), ...FIX]);
    const r = await omk(['goal', 'run', GOAL, '--policy', 'auto-pr', '--merge-policy', 'gated']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/delivery: pull request #1 created: http/);
    expect(r.stdout).toContain('merge: merged: the verdict is `ready` and no required checks are configured');
    const id = /goal (g-\S+): ready/.exec(r.stdout)![1]!;
    const head = proofOf(id).head!.sha;
    expect(gh.pulls('o', 'r')[0]).toMatchObject({ draft: false, merged: true, mergeMethod: 'merge' });
    const merge = gh.apiRequests().find((q) => q.method === 'PUT');
    expect(merge?.body).toMatchObject({ sha: head, merge_method: 'merge' });
    expect(chain(id).at(-1)).toMatchObject({ type: 'delivery.merged', payload: { policy: 'gated', number: 1, head_sha: head, already_merged: false } });
    await verifies(id);
  });

  it('auto-pr --merge-policy gated with a required check that has not reported: not merged, refusal recorded, exit 0 (ready)', { timeout: 60_000 }, async () => {
    await start([planStep(), ...FIX], ['required_checks = ["ci"]']);
    const r = await omk(['goal', 'run', GOAL, '--policy', 'auto-pr', '--merge-policy', 'gated', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as RunJson;
    expect(doc.delivery).toMatchObject({ outcome: 'opened', pr: { draft: false }, merge: { outcome: 'refused' }, error: null });
    expect(doc.delivery.merge!.reason).toContain('required check `ci` has not reported');
    expect(doc.delivery.merge!.reason).toContain(`omk goal merge ${doc.goal_id} --policy gated`);
    expect(gh.pulls('o', 'r')[0]).toMatchObject({ draft: false, merged: false });
    expect(chain(doc.goal_id).at(-1)).toMatchObject({ type: 'delivery.merge_refused', payload: { policy: 'gated', number: 1 } });
  });

  it('auto-pr on a goal that is not ready: a draft PR that says so, never merged; exit from the verdict', { timeout: 60_000 }, async () => {
    await start([twoTaskPlan(), ...FIX, NOOP, NOOP]);
    const r = await omk(['goal', 'run', GOAL, '--policy', 'auto-pr', '--merge-policy', 'gated', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as RunJson;
    expect(doc.status).toBe('not_ready');
    expect(doc.delivery).toMatchObject({ outcome: 'opened', pr: { draft: true }, merge: { outcome: 'not_attempted' }, error: null });
    expect(doc.delivery.merge!.reason).toContain('the verdict is `not_ready`');
    const pull = gh.pulls('o', 'r')[0]!;
    expect(pull).toMatchObject({ draft: true, merged: false });
    expect(pull.body).toContain('**Verdict: `not_ready`**');
    expect(pull.body).toMatch(/## Known gaps\n\n- required task `docs`/);
    expect(gh.apiRequests().some((q) => q.method === 'PUT')).toBe(false);
  });

  it('no token: the verdict stands, delivery.failed is recorded, exit 3 with the fix; a resume delivers under the recorded policy', { timeout: 90_000 }, async () => {
    await start([planStep(), ...FIX]);
    const before = remoteRefs();
    const ghConfig = path.join(path.dirname(repo.root), 'gh-config');
    mkdirSync(ghConfig);
    // No GITHUB_TOKEN / GH_TOKEN, and a `gh` (if any) without a login.
    const noToken = { ...repo.env, USER: 'alice', GH_CONFIG_DIR: ghConfig };
    const r = await omk(['goal', 'run', GOAL, '--policy', 'draft-pr', '--json'], noToken);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('omk: error: delivery (draft-pr) failed: no GitHub token');
    expect(r.stderr).toContain('fix: set GITHUB_TOKEN');
    const doc = JSON.parse(r.stdout) as RunJson;
    const id = doc.goal_id;
    expect(r.stderr).toContain(`omk goal open-pr ${id} --draft`);
    expect(doc.status).toBe('ready');
    expect(proofOf(id).status).toBe('ready');
    expect(doc.delivery).toMatchObject({ outcome: 'failed', pr: null, error: { stage: 'open_pr', code: 'blocked' } });
    expect(chain(id)[doc.delivery.failure_event_seq! - 1]).toMatchObject({ type: 'delivery.failed', payload: { policy: 'draft-pr', stage: 'open_pr', code: 'blocked' } });
    expect(remoteRefs()).toBe(before);
    expect(gh.requests).toHaveLength(0);
    await verifies(id);

    // The config says `local`; the goal recorded draft-pr, so resuming it (with a token now) opens the draft PR.
    const resumed = await omk(['goal', 'resume', id, '--json']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect((JSON.parse(resumed.stdout) as RunJson).delivery).toMatchObject({ policy: 'draft-pr', outcome: 'opened', pr: { draft: true } });
    expect(gh.pulls('o', 'r')).toHaveLength(1);
    expect(remoteRefs()).toContain(`refs/heads/${integrationBranchName(id)} ${proofOf(id).head!.sha}`);
    await verifies(id);
  });

  it('rejects an unknown --policy or --merge-policy before anything is written', async () => {
    const bad = await omk(['goal', 'run', GOAL, '--policy', 'push-it']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--policy must be one of local, draft-pr, auto-pr, got "push-it"');
    const badMerge = await omk(['goal', 'run', GOAL, '--merge-policy', 'yolo']);
    expect(badMerge.status).toBe(2);
    expect(badMerge.stderr).toContain('--merge-policy must be one of disabled, manual, gated');
    expect(existsSync(path.join(repo.root, '.omk', 'omk.db'))).toBe(false);
  });
});
