import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrationWorktreeDir } from '../../../src/runtime/git/index.js';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, FIXED_MATH, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
type Step = Record<string, unknown>;
interface RunOut {
  goal_id: string;
  status: string;
  known_gaps: string[];
  goal_dir: string;
  proof: string;
}
interface Section {
  status: string;
  reviewed_sha: string | null;
  evidence: string[];
  risks: string[];
  gaps: string[];
}
interface ReviewArtifact {
  reviewed_sha: string;
  sections: Record<string, Section>;
  reviewer: { outcome: string; engine?: string; model?: string | null; detail?: string; transcript?: string | null; opinions?: Array<{ section: string; status: string; reviewer: string }> };
}

const FAKE_ACP = path.resolve(__dirname, '../../fixtures/agents/fake-acp-agent.mjs');
const EXECUTOR: Step[] = [
  planStep(),
  { label: 'edit', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
  { label: 'answer', content: 'Fixed add().' },
];

const pass = { status: 'pass', notes: 'fine' };
function verdictText(code: Record<string, unknown>): string {
  const sections = { architect: pass, code, tests: pass, security: pass, performance: { status: 'pass', notes: 'one addition' }, anti_slop: pass };
  return `I read math.js and the diff.\n\n\`\`\`json\n${JSON.stringify({ sections }, null, 2)}\n\`\`\`\nThat is my verdict.`;
}

describe('the review wall asks a read-only reviewer agent', () => {
  let repo: SampleRepo;
  const servers: Server[] = [];
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    repo.cleanup();
  });

  async function serve(steps: Step[]): Promise<Server> {
    const server = await startModelServer({ scenario: { name: 'review', steps } });
    servers.push(server);
    return server;
  }

  async function runGoal(): Promise<{ status: number; out: RunOut; review: ReviewArtifact; events: Array<{ type: string; payload: Record<string, unknown> }> }> {
    const r = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as RunOut;
    const review = JSON.parse(readFileSync(path.join(out.goal_dir, 'artifacts', 'reviews', 'round-1.json'), 'utf8')) as ReviewArtifact;
    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    return { status: r.status, out, review, events };
  }

  async function verifies(goalId: string): Promise<number> {
    return (await runOmk(['goal', 'proof', goalId, '--verify'], { cwd: repo.root, env: repo.env })).status;
  }

  it("a different reviewer engine fails `code`: the section fails and the goal is not_ready with the reviewer's gap", async () => {
    const main = await serve(EXECUTOR);
    const critic = await serve([
      { label: 'look', tool_calls: [{ name: 'read_file', arguments: { path: 'math.js' } }] },
      { label: 'verdict', content: verdictText({ status: 'FAIL', notes: 'add() accepts anything', gaps: ['add() must reject non-numbers'] }) },
    ]);
    repo.writeConfig(
      [
        builtinConfig(main.url, { reviewer: 'critic' }),
        '[engines.critic]',
        'protocol = "openai"',
        `base_url = "${critic.url}"`,
        'api_key_env = "OMK_TEST_KEY"',
        'model = "mock-critic"',
        '',
      ].join('\n'),
    );
    const { status, out, review, events } = await runGoal();
    expect(out.status).toBe('not_ready');
    expect(status).toBe(1);
    expect(out.known_gaps).toContain('required review `code` failed: reviewer critic:mock-critic: add() must reject non-numbers');
    expect(review.sections.code!.status).toBe('fail');
    // Performance had no check: the reviewer's pass is its only judgement, on the reviewed commit.
    expect(review.sections.performance).toMatchObject({ status: 'pass', reviewed_sha: review.reviewed_sha });
    expect(review.reviewer).toMatchObject({ outcome: 'answered', engine: 'critic', model: 'mock-critic', transcript: 'transcripts/_reviewer/1.jsonl' });
    expect(review.reviewer.opinions!.map((o) => `${o.section}=${o.status}`)).toEqual(['architect=pass', 'code=fail', 'tests=pass', 'security=pass', 'performance=pass', 'anti_slop=pass']);
    expect(existsSync(path.join(out.goal_dir, 'transcripts', '_reviewer', '1.jsonl'))).toBe(true);
    expect(events.find((e) => e.type === 'review.completed')!.payload.reviewer).toEqual({ engine: 'critic', outcome: 'answered' });
    expect(events.filter((e) => e.type === 'cost.recorded').map((e) => e.payload.source)).toContain('reviewer');

    // The critic saw the goal and the combined diff, and was offered read tools only.
    const body = critic.requests[0]!.body as { messages: Array<{ role: string; content: string }>; tools: Array<{ function: { name: string } }> };
    const prompt = body.messages.find((m) => m.role === 'user')!.content;
    expect(prompt).toContain('OMK-REVIEW-REQUEST');
    expect(prompt).toContain('> fix the failing test in math.js');
    expect(prompt).toContain('+  return a + b;');
    expect(body.tools.map((t) => t.function.name).sort()).toEqual(['grep', 'list_dir', 'read_file']);
    expect(main.requests).toHaveLength(3); // planner, executor's two calls: the executor's engine did not review
    expect(await verifies(out.goal_id)).toBe(0);
  });

  it('a reviewer turn the budget cannot admit is refused like any spawn: the goal stops as needs_more_budget, unreviewed', async () => {
    const usage = (tokens: number) => ({ prompt_tokens: tokens, completion_tokens: 0 });
    // Every turn is admitted against a 50 000-token floor: planner (1 000) and executor (2 × 5 000) fit in 55 000, the reviewer does not.
    const main = await serve(EXECUTOR.map((step, i) => ({ ...step, usage: usage(i === 0 ? 1000 : 5000) })));
    const critic = await serve([{ content: verdictText(pass) }]);
    repo.writeConfig([builtinConfig(main.url, { reviewer: 'critic' }), '[engines.critic]', 'protocol = "openai"', `base_url = "${critic.url}"`, 'api_key_env = "OMK_TEST_KEY"', 'model = "c"', ''].join('\n'));
    const r = await runOmk(['goal', 'run', 'fix the failing test in math.js', '--json', '--budget-tokens', '55000'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as RunOut;
    expect(out.status).toBe('needs_more_budget');
    const events = readFileSync(path.join(out.goal_dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    expect(events.filter((e) => e.type === 'budget.exhausted').map((e) => e.payload.dimension)).toEqual(['tokens']);
    // Refused at the review, after the work was done and integrated: not earlier.
    const types = events.map((e) => e.type);
    expect(types.indexOf('budget.exhausted')).toBeGreaterThan(types.indexOf('integration.completed'));
    expect(types).toContain('integration.completed');
    expect(types).not.toContain('review.completed');
    expect(main.requests).toHaveLength(3);
    expect(critic.requests).toHaveLength(0);
    expect(await verifies(out.goal_id)).toBe(0);
  });

  it('a reviewer that tries to write is denied by the approval policy and the file never appears', async () => {
    const scenario = path.join(repo.home, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        prompts: [
          { match: 'OMK-PLANNER-REQUEST', steps: [{ say: planStep().content }] },
          { match: 'OMK-TASK-REQUEST', steps: [{ edit: { path: 'math.js', content: FIXED_MATH } }, { say: 'Fixed add().' }] },
          { match: 'OMK-REVIEW-REQUEST', steps: [{ edit: { path: 'pwned.txt', content: 'the reviewer was here' } }, { say: verdictText({ status: 'pass', notes: 'ok' }) }] },
        ],
      }),
    );
    repo.writeConfig(
      [
        '[defaults]',
        'engine = "fake"', // no reviewer_engine: the executor's engine reviews
        '[engines.fake]',
        'protocol = "acp"',
        `command = ${JSON.stringify(process.execPath)}`,
        `args = [${JSON.stringify(FAKE_ACP)}, "acp", "--scenario", ${JSON.stringify(scenario)}]`,
        '[gates.test]',
        'command = "node --test"',
        '',
      ].join('\n'),
    );
    const { out, review, events } = await runGoal();
    const integration = path.join(repo.root, '.omk', 'worktrees', integrationWorktreeDir(out.goal_id));
    expect(existsSync(path.join(integration, 'math.js'))).toBe(true);
    const everywhere = readdirSync(repo.root, { recursive: true, encoding: 'utf8' });
    expect(everywhere.filter((f) => f.endsWith('pwned.txt'))).toEqual([]);
    const denied = events.filter((e) => e.type === 'approval.decided' && e.payload.decision === 'deny');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.payload).toMatchObject({ mode: 'plan', tool_kind: 'edit', rule: 'plan:read-only' });
    // Stopped by the denial, it never gave a verdict: the checks decide, and every section says so.
    expect(review.reviewer).toMatchObject({ outcome: 'unreadable', engine: 'fake' });
    for (const s of Object.values(review.sections)) expect(s.risks.join('\n')).toMatch(/reviewer fake answer unreadable: .*only omk's checks judged this section/);
    expect(out.status).toBe('ready');
    expect(await verifies(out.goal_id)).toBe(0);
  });

  it('a garbage answer is noted as unreadable and the deterministic checks decide the verdict', async () => {
    const main = await serve([...EXECUTOR, { label: 'review', content: 'Looks great to me, ship it! {not json at all' }]);
    repo.writeConfig(builtinConfig(main.url, { reviewer: 'builtin' }));
    const { out, review, events } = await runGoal();
    expect(out.status).toBe('ready');
    expect(review.reviewer).toMatchObject({ outcome: 'unreadable', engine: 'builtin', detail: 'the answer holds no JSON verdict' });
    expect(Object.values(review.sections).map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'not_run', 'pass']);
    expect(review.sections.code!.risks).toEqual([
      "reviewer builtin:mock-kimi answer unreadable: the answer holds no JSON verdict; only omk's checks judged this section",
    ]);
    expect(events.find((e) => e.type === 'review.completed')!.payload.reviewer).toEqual({ engine: 'builtin', outcome: 'unreadable' });
    const proof = JSON.parse(readFileSync(out.proof, 'utf8')) as { reviews: Record<string, Section> };
    expect(proof.reviews.code!.risks[0]).toContain('answer unreadable');
    expect(await verifies(out.goal_id)).toBe(0);
  });

  it('with reviewer_engine = "none" the wall is the deterministic checks only, and the artifact says so', async () => {
    const main = await serve(EXECUTOR);
    repo.writeConfig(builtinConfig(main.url));
    const { out, review, events } = await runGoal();
    expect(out.status).toBe('ready');
    expect(review.reviewer.outcome).toBe('none');
    expect(review.reviewer.detail).toMatch(/deterministic checks only/);
    expect(events.find((e) => e.type === 'review.completed')!.payload).not.toHaveProperty('reviewer');
    expect(main.requests).toHaveLength(3);
  });
});
