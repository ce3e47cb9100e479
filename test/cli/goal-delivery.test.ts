import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasPrMarker } from '../../src/core/delivery/marker.js';
import { integrationBranchName } from '../../src/runtime/git/index.js';
import { whichSync } from '../../src/runtime/process/index.js';
import { startFakeGitHub } from '../fixtures/fake-github/index.js';
import type { FakeGitHub } from '../fixtures/fake-github/index.js';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
type Step = Record<string, unknown>;

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

interface Proof {
  status: string;
  known_gaps: string[];
  head: { sha: string } | null;
  base: { sha: string };
}

describe('omk goal open-pr | merge', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  let gh: FakeGitHub;
  let bare: string;

  beforeEach(async () => {
    repo = sampleRepo();
    gh = await startFakeGitHub({ repos: [{ owner: 'o', repo: 'r' }] });
    // A local bare repository as `origin`; config maps it to the fake server's o/r.
    bare = path.join(path.dirname(repo.root), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    repo.git('remote', 'add', 'origin', bare);
    repo.git('push', '-q', 'origin', 'main');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await gh.close();
    repo.cleanup();
  });

  const env = () => ({ ...repo.env, USER: 'alice', GITHUB_TOKEN: gh.token });
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: env() });

  async function runGoal(steps: Step[]): Promise<{ goalId: string; proof: Proof; goalDir: string }> {
    server = await startModelServer({ scenario: { name: 't', steps } });
    repo.writeConfig(
      [builtinConfig(server.url), '[delivery]', 'repository = "o/r"', `github_api_url = "${gh.url}"`, 'required_checks = ["ci"]', ''].join('\n'),
    );
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--json');
    const { goal_id: goalId } = JSON.parse(r.stdout) as { goal_id: string };
    const goalDir = path.join(repo.root, '.omk', 'goals', goalId);
    const proof = JSON.parse(readFileSync(path.join(goalDir, 'proof.json'), 'utf8')) as Proof;
    // What GitHub would see once the branches are pushed (the fake server runs no git).
    gh.setRef('o', 'r', 'main', proof.base.sha);
    if (proof.head) gh.setRef('o', 'r', integrationBranchName(goalId), proof.head.sha);
    return { goalId, proof, goalDir };
  }

  function chain(goalDir: string): Array<{ type: string; payload: Record<string, unknown> }> {
    return readFileSync(path.join(goalDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
  }
  const remoteRef = (goalId: string) =>
    execFileSync('git', ['for-each-ref', '--format=%(objectname)', `refs/heads/${integrationBranchName(goalId)}`], { cwd: bare, encoding: 'utf8' }).trim();

  async function verifies(goalId: string): Promise<void> {
    const events = await omk('events', 'verify', goalId, '--json');
    expect(events.status, events.stdout + events.stderr).toBe(0);
    const proof = await omk('goal', 'proof', goalId, '--verify', '--json');
    expect(JSON.parse(proof.stdout)).toMatchObject({ ok: true });
  }

  it('a ready goal: dry run offline, then open (pushes the proof head), update, manual refused, gated merged', async () => {
    const { goalId, proof, goalDir } = await runGoal([planStep(), ...FIX]);
    expect(proof.status).toBe('ready');
    const head = proof.head!.sha;

    const dry = await omk('goal', 'open-pr', goalId, '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('title: fix the failing test in math.js');
    expect(dry.stdout).toContain('**Verdict: `ready`**');
    expect(hasPrMarker(dry.stdout, goalId)).toBe(true);
    expect(gh.requests).toHaveLength(0);
    expect(remoteRef(goalId)).toBe('');
    expect(chain(goalDir).map((e) => e.type)).not.toContain('delivery.pr_opened');

    const first = await omk('goal', 'open-pr', goalId, '--json');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const opened = JSON.parse(first.stdout) as { pr: { operation: string; number: number; url: string; draft: boolean }; push: { outcome: string }; head_sha: string; event_seq: number };
    expect(opened).toMatchObject({ head_sha: head, push: { outcome: 'created' }, pr: { operation: 'created', number: 1, draft: false } });
    expect(remoteRef(goalId)).toBe(head);
    const pulls = gh.pulls('o', 'r');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: integrationBranchName(goalId), base: 'main', draft: false, title: 'fix the failing test in math.js' });
    expect(pulls[0]!.body).toContain('**Verdict: `ready`**');
    expect(pulls[0]!.body).toContain(`omk goal proof ${goalId} --verify`);
    expect(hasPrMarker(pulls[0]!.body, goalId)).toBe(true);
    const openedEvent = chain(goalDir)[opened.event_seq - 1]!;
    expect(openedEvent).toMatchObject({ type: 'delivery.pr_opened', payload: { operation: 'created', number: 1, url: opened.pr.url, head_sha: head, draft: false } });

    const second = await omk('goal', 'open-pr', goalId);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('pull request #1 updated');
    expect(second.stdout).toContain('already up to date');
    expect(gh.pulls('o', 'r')).toHaveLength(1);
    expect(chain(goalDir).filter((e) => e.type === 'delivery.pr_opened').map((e) => e.payload.operation)).toEqual(['created', 'updated']);

    const manual = await omk('goal', 'merge', goalId, '--policy', 'manual', '--json');
    expect(manual.status).toBe(1);
    const refused = JSON.parse(manual.stdout) as { outcome: string; reason: string };
    expect(refused.outcome).toBe('refused');
    expect(refused.reason).toContain('no human accept is recorded');
    expect(gh.pulls('o', 'r')[0]!.merged).toBe(false);
    expect(chain(goalDir).at(-1)).toMatchObject({ type: 'delivery.merge_refused', payload: { policy: 'manual', number: 1, reason: refused.reason } });

    const pending = await omk('goal', 'merge', goalId, '--policy', 'gated');
    expect(pending.status).toBe(1);
    expect(pending.stdout).toContain('required check `ci` has not reported');

    gh.setCheckRuns('o', 'r', head, [{ name: 'ci', status: 'completed', conclusion: 'success' }]);
    const gated = await omk('goal', 'merge', goalId, '--policy', 'gated');
    expect(gated.stderr).toBe('');
    expect(gated.status).toBe(0);
    expect(gated.stdout).toContain('pull request #1 merged');
    expect(gh.pulls('o', 'r')[0]).toMatchObject({ merged: true, mergeMethod: 'merge' });
    expect(chain(goalDir).at(-1)).toMatchObject({ type: 'delivery.merged', payload: { policy: 'gated', number: 1, head_sha: head, already_merged: false } });
    await verifies(goalId);
  });

  it('a not-ready goal: non-draft refused, draft opened listing the gaps; merge refused; blocked without a token; a broken proof is not delivered', async () => {
    const { goalId, proof, goalDir } = await runGoal([twoTaskPlan(), ...FIX, NOOP, NOOP]);
    expect(proof.status).toBe('not_ready');
    expect(proof.head!.sha).not.toBe(proof.base.sha);

    const plain = await omk('goal', 'open-pr', goalId);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/not_ready.*not ready/);
    expect(plain.stderr).toContain('--draft');
    expect(gh.requests).toHaveLength(0);
    expect(remoteRef(goalId)).toBe('');

    const draft = await omk('goal', 'open-pr', goalId, '--draft', '--json');
    expect(draft.stderr).toBe('');
    expect(draft.status).toBe(0);
    expect(JSON.parse(draft.stdout)).toMatchObject({ verdict: 'not_ready', pr: { operation: 'created', draft: true } });
    const body = gh.pulls('o', 'r')[0]!.body;
    expect(gh.pulls('o', 'r')[0]!.draft).toBe(true);
    expect(body).toContain('**Verdict: `not_ready`**');
    expect(body).toContain('opened as a draft');
    expect(body).toMatch(/## Known gaps\n\n- required task `docs` \(Document add\(\)\) is failed/);
    expect(remoteRef(goalId)).toBe(proof.head!.sha);

    const merge = await omk('goal', 'merge', goalId, '--policy', 'gated');
    expect(merge.status).toBe(1);
    expect(merge.stdout).toContain('not merged');
    expect(chain(goalDir).at(-1)).toMatchObject({ type: 'delivery.merge_refused', payload: { policy: 'gated' } });
    const disabled = await omk('goal', 'merge', goalId);
    expect(disabled.status).toBe(1);
    expect(disabled.stdout).toContain('merge policy is `disabled`');
    await verifies(goalId);

    // No token and no `gh`: blocked (exit 3) before anything is requested.
    const gitOnly = path.join(path.dirname(repo.root), 'git-only');
    mkdirSync(gitOnly);
    symlinkSync(whichSync('git', repo.env)!, path.join(gitOnly, 'git'));
    const before = gh.requests.length;
    const blocked = await runOmk(['goal', 'open-pr', goalId, '--draft'], { cwd: repo.root, env: { ...repo.env, PATH: gitOnly } });
    expect(blocked.status).toBe(3);
    expect(blocked.stderr).toContain('GITHUB_TOKEN');
    expect(gh.requests.length).toBe(before);

    // Evidence that no longer matches its digest is not delivered.
    const gate = JSON.parse(readFileSync(path.join(goalDir, 'proof.json'), 'utf8')) as { gates: Array<{ stdout: { path: string } }> };
    writeFileSync(path.join(goalDir, gate.gates[0]!.stdout.path), 'edited\n');
    const broken = await omk('goal', 'open-pr', goalId, '--draft');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('does not verify');
  });

  it('refuses a goal that integrated nothing, and a goal that does not exist', async () => {
    const { goalId, proof } = await runGoal([planStep(), NOOP, NOOP]);
    expect(proof.head!.sha).toBe(proof.base.sha);
    const empty = await omk('goal', 'open-pr', goalId, '--draft', '--dry-run');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('integrated no commit beyond its base');
    const missing = await omk('goal', 'merge', 'g-nope', '--policy', 'gated');
    expect(missing.status).toBe(2);
    expect(gh.requests).toHaveLength(0);
  });
});
