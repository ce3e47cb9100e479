import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateFailureSignature } from '../../src/runtime/goal-diagnose/signature.js';
import { startModelServer } from '../fixtures/model-server/index.js';
import { runOmk } from '../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
type Step = Record<string, unknown>;

interface Report {
  goal_id: string;
  status: string;
  verdict: string;
  tasks: Array<{
    id: string;
    result: string;
    empty_diffs: number;
    attempts: Array<{ attempt: number; outcome: string; empty_diff: boolean; failing_signatures: string[]; same_tree_as: number | null; reverted_to: unknown }>;
    repeated_signatures: Array<{ gate: string; signature: string; attempts: number[]; on_baseline: boolean }>;
  }>;
  gates: Array<{ gate: string; baseline: Array<{ passed: boolean; signature: string | null }>; task: unknown[]; integration: unknown[] }>;
  stuck_reasons: Array<{ kind: string; task_id: string | null; text: string }>;
  diagnosis: string;
  next_steps: string[];
}

describe('omk goal diagnose', () => {
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

  async function runGoal(steps: Step[]): Promise<string> {
    server = await startModelServer({ scenario: { name: 't', steps } });
    repo.writeConfig(builtinConfig(server.url));
    const r = await omk('goal', 'run', 'fix the failing test in math.js', '--json');
    return (JSON.parse(r.stdout) as { goal_id: string }).goal_id;
  }

  it('an agent that never fixes the test: the report names the repeated failing signature of gate `test`, deterministically', async () => {
    const noop = { content: 'I looked at it; nothing to change.' };
    const goalId = await runGoal([planStep(), noop, noop]);

    const json = await omk('goal', 'diagnose', goalId, '--json');
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const r = JSON.parse(json.stdout) as Report;
    expect(r).toMatchObject({ goal_id: goalId, status: 'not_ready', verdict: 'looping' });
    const task = r.tasks[0]!;
    expect(task).toMatchObject({ id: 'fix-add', result: 'failed', empty_diffs: 2 });
    expect(task.attempts.map((a) => a.outcome)).toEqual(['no_changes_failed', 'no_changes_failed']);
    expect(task.repeated_signatures).toHaveLength(1);
    const rep = task.repeated_signatures[0]!;
    expect(rep).toMatchObject({ gate: 'test', attempts: [1, 2], on_baseline: true });
    expect(rep.signature).toMatch(/^test#[0-9a-f]{16}$/);
    expect(task.attempts[0]!.failing_signatures).toEqual([rep.signature]);
    expect(task.attempts[1]!.failing_signatures).toEqual([rep.signature]);
    expect(r.stuck_reasons.map((s) => s.kind)).toEqual(expect.arrayContaining(['repeated_failure', 'pre_existing_failure', 'empty_diffs']));
    expect(r.stuck_reasons.find((s) => s.kind === 'repeated_failure')!.text).toContain(`gate \`test\` failed with the same signature ${rep.signature} in attempts 1, 2`);
    const test = r.gates.find((g) => g.gate === 'test')!;
    expect(test.baseline).toMatchObject([{ passed: false, signature: rep.signature }]);
    expect(test.task).toHaveLength(2);
    expect(test.integration.length).toBeGreaterThan(0);
    expect(r.diagnosis).toContain(`keeps failing gate \`test\` the same way (signature ${rep.signature}`);
    expect(r.next_steps.length).toBeGreaterThan(0);

    const again = await omk('goal', 'diagnose', goalId, '--json');
    expect(again.stdout).toBe(json.stdout);
    const text = await omk('goal', 'diagnose', goalId);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`goal ${goalId}: not_ready — looping`);
    expect(text.stdout).toContain(`repeated: ${rep.signature} in attempts 1, 2 (also on baseline)`);
    expect((await omk('goal', 'diagnose', goalId)).stdout).toBe(text.stdout);
  });

  it('a ready goal reports nothing stuck', async () => {
    const goalId = await runGoal([
      planStep(),
      { tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
      { content: 'Fixed.' },
    ]);
    const r = JSON.parse((await omk('goal', 'diagnose', 'latest', '--json')).stdout) as Report;
    expect(r).toMatchObject({ goal_id: goalId, status: 'ready', verdict: 'done', stuck_reasons: [] });
    expect(r.tasks[0]).toMatchObject({ result: 'done', repeated_signatures: [] });
  });

  it('a signature ignores the checkout, colours, shas and durations, and tells different failures apart', () => {
    const facts = { exitCode: 1, timedOut: false, infraError: null };
    const base = gateFailureSignature('test', facts, '\u001b[31m✖ add adds (1.2345ms)\u001b[0m\n  at /tmp/x/repo/math.test.js:6:10 commit 0123456789abcdef', ['/tmp/x/repo']);
    const task = gateFailureSignature('test', facts, '✖ add adds (9.87ms)\n  at /tmp/x/repo/.omk/worktrees/g-1/fix-add/math.test.js:7:3 commit fedcba9876543210', ['/tmp/x/repo']);
    const other = gateFailureSignature('test', facts, '✖ sub subtracts (1ms)\n  at /tmp/x/repo/math.test.js:6:10', ['/tmp/x/repo']);
    expect(task.signature).toBe(base.signature);
    expect(other.signature).not.toBe(base.signature);
    expect(gateFailureSignature('lint', facts, '✖ add adds (1ms)').signature).not.toBe(gateFailureSignature('test', facts, '✖ add adds (1ms)').signature);
    expect(base.excerpt).toBe('exit 1: ✖ add adds (<dur>)');
  });
});
