import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

const FIX = [
  { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
  { content: 'Fixed.' },
];

describe('omk goal budgets', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: repo.env });

  it('a tiny token budget stops as needs_more_budget (exit 4); budget-add --tokens resumes it to ready; both proofs verify', async () => {
    server = await startModelServer({ scenario: { name: 't', steps: [planStep(), ...FIX] } });
    repo.writeConfig(builtinConfig(server.url));
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--budget-tokens', '1000', '--json');
    expect(r.status, r.stderr).toBe(4);
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; known_gaps: string[]; human_decisions_required: string[] };
    expect(out.status).toBe('needs_more_budget');
    expect(out.known_gaps[0]).toMatch(/^budget exceeded: tokens/);
    const v1 = await omk('goal', 'proof', out.goal_id, '--verify', '--json');
    expect(JSON.parse(v1.stdout), v1.stdout).toMatchObject({ ok: true });

    const report = JSON.parse((await omk('goal', 'budget', out.goal_id, '--json')).stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['clock', 'exhausted', 'goal_id', 'overruns', 'reservations', 'status', 'time', 'tokens', 'usd', 'version'].sort());
    expect(report).toMatchObject({
      goal_id: out.goal_id,
      status: 'needs_more_budget',
      clock: 'stopped',
      exhausted: { dimension: 'tokens' },
      tokens: { unit: 'tokens', limit: 1000, used: 0, reserved: 0, remaining: 1000 },
      time: { unit: 'ms', limit: null, remaining: null },
      usd: { unit: 'usd', limit: null },
      reservations: [],
    });

    const add = await omk('goal', 'budget-add', out.goal_id, '--tokens', '1M', '--json');
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ goal_id: out.goal_id, status: 'ready' });
    const v2 = await omk('goal', 'proof', out.goal_id, '--verify', '--json');
    expect(JSON.parse(v2.stdout), v2.stdout).toMatchObject({ ok: true, status: 'ready' });
    const after = JSON.parse((await omk('goal', 'budget', out.goal_id, '--json')).stdout) as { tokens: { limit: number; used: number }; exhausted: unknown };
    expect(after.tokens.limit).toBe(1_001_000);
    expect(after.tokens.used).toBeGreaterThan(0);
    expect(after.exhausted).toBeNull();
  });

  it('a bad budget flag is a usage error before anything is written', async () => {
    repo.writeConfig(builtinConfig('http://127.0.0.1:9/v1'));
    const bad = await omk('goal', 'run', 'fix the failing test', '--budget-tokens', '1.5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--budget-tokens');
    expect((await omk('goal', 'list', '--json')).stderr).toContain('no goals');
  });
});
