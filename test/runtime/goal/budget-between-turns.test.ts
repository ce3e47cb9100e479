import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

const EDIT = { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] };
/** The executor's first model call: real work, but it reports 300 000 tokens. */
const COSTLY = { label: 'costly', ...EDIT, usage: { prompt_tokens: 300_000, completion_tokens: 10 } };
const FIX = [
  { label: 'fix', ...EDIT },
  { label: 'done', content: 'Fixed.' },
];

/** The scenario's steps by index, as the server records which one served each request. */
const STEPS = ['plan', 'costly', 'fix', 'done'];

interface LoggedEvent {
  type: string;
  payload: Record<string, unknown>;
}

describe('budgets between the model calls of a turn', () => {
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
  const events = (goalId: string): LoggedEvent[] =>
    readFileSync(path.join(repo.root, '.omk', 'goals', goalId, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LoggedEvent);

  it('a turn whose usage crosses the goal budget is stopped before its next model call; the goal needs more budget and budget-add finishes it', async () => {
    server = await startModelServer({ scenario: { name: 'costly-turn', steps: [planStep(), COSTLY, ...FIX] } });
    repo.writeConfig(builtinConfig(server.url));
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--budget-tokens', '200k', '--json');
    expect(r.status, r.stderr).toBe(4);
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; known_gaps: string[] };
    expect(out.status).toBe('needs_more_budget');
    expect(out.known_gaps[0]).toMatch(/^budget exceeded: tokens used 30\d{4} of 200000$/);
    // The planner and the costly call: the turn's next call (the scripted `fix`) was never requested.
    expect(server.requests.map((q) => STEPS[q.step as number])).toEqual(['plan', 'costly']);

    const log = events(out.goal_id);
    const stopped = log.find((e) => e.type === 'budget.exhausted')!;
    expect(stopped.payload).toMatchObject({ dimension: 'tokens', role: 'executor' });
    expect(String(stopped.payload.detail)).toMatch(/^stopped mid-turn: tokens: 30\d{4} used of the 200000 limit$/);
    // Interrupted, not failed: the task goes back to the queue and keeps its retries.
    const interrupted = log.filter((e) => e.type === 'task.attempt_interrupted');
    expect(interrupted.map((e) => e.payload)).toMatchObject([{ task_id: 'fix-add', attempt: 1, reason: `budget exhausted: ${String(stopped.payload.detail)}` }]);
    expect(log.filter((e) => e.type === 'task.attempt_finished' || e.type === 'task.failed')).toEqual([]);
    // Partial evidence: what the turn cost, and its transcript.
    expect(log.find((e) => e.type === 'cost.recorded' && e.payload.task_id === 'fix-add')?.payload.tokens_in).toBeGreaterThanOrEqual(300_000);
    expect(existsSync(path.join(repo.root, '.omk', 'goals', out.goal_id, 'transcripts', 'fix-add', '1.jsonl'))).toBe(true);
    const reserved = log.filter((e) => e.type === 'budget.reserved').map((e) => e.payload.reservation_id);
    const released = log.filter((e) => e.type === 'budget.released').map((e) => e.payload.reservation_id);
    expect(released.sort()).toEqual(reserved.sort());
    const v1 = await omk('goal', 'proof', out.goal_id, '--verify', '--json');
    expect(JSON.parse(v1.stdout), v1.stdout).toMatchObject({ ok: true, status: 'needs_more_budget' });

    const add = await omk('goal', 'budget-add', out.goal_id, '--tokens', '1M', '--json');
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ goal_id: out.goal_id, status: 'ready' });
    expect(server.requests.map((q) => STEPS[q.step as number])).toEqual(['plan', 'costly', 'fix', 'done']);
    const v2 = await omk('goal', 'proof', out.goal_id, '--verify', '--json');
    expect(JSON.parse(v2.stdout), v2.stdout).toMatchObject({ ok: true, status: 'ready' });
  });

  it('a per-task limit stops the task mid-turn and shows in the proof; budget-add --task-tokens lets it finish', async () => {
    server = await startModelServer({ scenario: { name: 'costly-task', steps: [planStep(), COSTLY, ...FIX] } });
    repo.writeConfig(builtinConfig(server.url));
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--budget-task-tokens', '100k', '--json');
    expect(r.status, r.stderr).toBe(4);
    const out = JSON.parse(r.stdout) as { goal_id: string; status: string; known_gaps: string[] };
    expect(out.known_gaps[0]).toMatch(/^budget exceeded: task fix-add tokens used 30\d{4} of its 100000 per-task limit$/);
    expect(server.requests.map((q) => STEPS[q.step as number])).toEqual(['plan', 'costly']);
    const proof = JSON.parse(readFileSync(path.join(repo.root, '.omk', 'goals', out.goal_id, 'proof.json'), 'utf8')) as { budget: Record<string, unknown> };
    expect(proof.budget).toMatchObject({
      limits: { time_ms: null, tokens: null, usd: null },
      exceeded: { time: false, tokens: false, usd: false },
      per_task: [{ task_id: 'fix-add', limits: { tokens: 100_000, usd: null }, exceeded: { tokens: true, usd: false } }],
    });
    expect(readFileSync(path.join(repo.root, '.omk', 'goals', out.goal_id, 'proof.md'), 'utf8')).toContain('| fix-add |');
    const v1 = await omk('goal', 'proof', out.goal_id, '--verify', '--json');
    expect(JSON.parse(v1.stdout), v1.stdout).toMatchObject({ ok: true, status: 'needs_more_budget' });
    const report = JSON.parse((await omk('goal', 'budget', out.goal_id, '--json')).stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      exhausted: { dimension: 'tokens', task_id: 'fix-add' },
      per_task: { limits: { tokens: 100_000, usd: null }, tasks: [{ task_id: 'fix-add', exceeded: { tokens: true } }] },
    });

    const goalOnly = await omk('goal', 'budget-add', out.goal_id, '--tokens', '1M');
    expect(goalOnly.status).toBe(2);
    expect(goalOnly.stderr).toContain('--tokens: the goal has no tokens limit');
    const add = await omk('goal', 'budget-add', out.goal_id, '--task-tokens', '500k', '--json');
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ status: 'ready' });
    const after = JSON.parse((await omk('goal', 'budget', out.goal_id, '--json')).stdout) as { per_task: { limits: { tokens: number } }; reservations: unknown[] };
    expect(after.per_task.limits.tokens).toBeGreaterThan(800_000);
    expect(after.reservations).toEqual([]);
    const v2 = await omk('goal', 'proof', out.goal_id, '--verify', '--json');
    expect(JSON.parse(v2.stdout), v2.stdout).toMatchObject({ ok: true, status: 'ready' });
  });
});
