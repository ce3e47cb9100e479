import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

interface DecisionOut {
  goal_id: string;
  decision: { kind: string; by: string; at: string; text: string };
  event_seq: number;
  previous_status: string;
  status: string;
  known_gaps: string[];
  proof: string;
}

describe('omk goal accept | reject', () => {
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
  const omk = (...argv: string[]) => runOmk(argv, { cwd: repo.root, env: { ...repo.env, USER: 'alice' } });

  async function runGoal(steps: Step[]): Promise<{ goal_id: string; status: string }> {
    server = await startModelServer({ scenario: { name: 't', steps } });
    repo.writeConfig(builtinConfig(server.url));
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--json');
    return JSON.parse(r.stdout) as { goal_id: string; status: string };
  }

  async function verifies(goalId: string): Promise<void> {
    const v = await omk('goal', 'proof', goalId, '--verify', '--json');
    expect(JSON.parse(v.stdout), v.stdout).toMatchObject({ ok: true });
    expect(v.status).toBe(0);
  }

  function chainTypes(goalDir: string): string[] {
    return readFileSync(path.join(goalDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
  }

  it('reject turns a ready goal not_ready with the reason as a gap; a later accept lifts it; the proof verifies each time', async () => {
    const goal = await runGoal([planStep(), ...FIX]);
    expect(goal.status).toBe('ready');

    const rej = await omk('goal', 'reject', goal.goal_id, '--reason', 'the fix hides a rounding bug', '--json');
    expect(rej.stderr).toBe('');
    expect(rej.status).toBe(0);
    const r = JSON.parse(rej.stdout) as DecisionOut;
    expect(r).toMatchObject({ goal_id: goal.goal_id, previous_status: 'ready', status: 'not_ready', decision: { kind: 'reject', by: 'alice', text: 'the fix hides a rounding bug' } });
    expect(r.known_gaps.some((g) => g.startsWith('rejected by alice at ') && g.endsWith(': the fix hides a rounding bug'))).toBe(true);
    const proof = JSON.parse(readFileSync(r.proof, 'utf8')) as { status: string; known_gaps: string[]; human: { decisions: Array<{ kind: string }> } };
    expect(proof.status).toBe('not_ready');
    expect(proof.human.decisions).toMatchObject([{ kind: 'reject' }]);
    await verifies(goal.goal_id);
    const status = JSON.parse((await omk('goal', 'status', goal.goal_id, '--json')).stdout) as { status: string; proof: { status: string } };
    expect(status).toMatchObject({ status: 'not_ready', proof: { status: 'not_ready' } });
    const goalDir = path.dirname(r.proof);
    const types = chainTypes(goalDir);
    expect(types.indexOf('human.rejected')).toBe(r.event_seq - 1);
    expect(types.slice(r.event_seq)).toEqual(['goal.status_changed', 'proof.written']);
    expect(JSON.parse(readFileSync(path.join(goalDir, 'failure.json'), 'utf8'))).toMatchObject({ status: 'not_ready' });

    const acc = await omk('goal', 'accept', goal.goal_id, '--summary', 'checked again, rounding is fine');
    expect(acc.status).toBe(0);
    expect(acc.stdout).toContain(`goal ${goal.goal_id}: accepted by alice`);
    expect(acc.stdout).toContain('status: not_ready -> ready');
    await verifies(goal.goal_id);
    expect(chainTypes(goalDir).filter((t) => t.startsWith('human.'))).toEqual(['human.rejected', 'human.accepted']);
  });

  it('accept on a not-ready goal is recorded but leaves it not_ready (it never stands in for evidence)', async () => {
    const goal = await runGoal([planStep(), NOOP, NOOP]);
    expect(goal.status).toBe('not_ready');
    const acc = await omk('goal', 'accept', goal.goal_id, '--summary', 'looks fine to me', '--json');
    expect(acc.status).toBe(0);
    const r = JSON.parse(acc.stdout) as DecisionOut;
    expect(r).toMatchObject({ previous_status: 'not_ready', status: 'not_ready', decision: { kind: 'accept', by: 'alice', text: 'looks fine to me' } });
    expect(r.known_gaps.join('\n')).toMatch(/oracle gate `test` failed on head/);
    await verifies(goal.goal_id);
    expect(chainTypes(path.dirname(r.proof))).toContain('human.accepted');
  });

  it('refuses an empty reason and a goal without a proof', async () => {
    const goal = await runGoal([planStep(), ...FIX]);
    const empty = await omk('goal', 'reject', goal.goal_id, '--reason', '  ');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('--reason must not be empty');
    const missing = await omk('goal', 'accept', goal.goal_id);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--summary');

    server = await startModelServer({ scenario: { steps: [planStep()] } });
    repo.writeConfig(builtinConfig(server.url));
    const plan = JSON.parse((await omk('goal', 'plan', 'fix the failing test in math.js', '--json')).stdout) as { goal_id: string };
    const planned = await omk('goal', 'accept', plan.goal_id, '--summary', 'too early');
    expect(planned.status).toBe(2);
    expect(planned.stderr).toMatch(/planning: a decision is recorded once it has a proof/);
  });
});
