import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { runOmk } from '../../helpers/cli.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from './sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;

interface Summary {
  passed: boolean;
  failed: boolean;
  format: string | null;
  counts: { total: number; passed: number; failed: number } | null;
}
interface ProofV2 {
  version: number;
  status: string;
  known_gaps: string[];
  tests: {
    policy: string;
    changed_test_files: string[];
    change_tests_tree: string | null;
    comparisons: Array<{ gate: string; base: Summary | null; base_with_change_tests: Summary | null; head: Summary | null }>;
    red_green: { status: string; pairs: Array<{ gate: string; test: string | null; from_changed_tests: boolean }>; gap: string | null };
  };
  acceptance: Array<{ id: string; status: string; checked_by: string }>;
}

/** The agent's turn: fix the operator, write math.test.js as `testFile`, run the tests, answer. */
function fixSteps(testFile: string) {
  return [
    { label: 'edit', tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }] },
    { label: 'regression test', tool_calls: [{ name: 'write_file', arguments: { path: 'math.test.js', content: testFile } }] },
    { label: 'test', tool_calls: [{ name: 'bash', arguments: { command: 'node --test' } }] },
    { label: 'answer', content: 'Fixed add(), and a regression test is in math.test.js.' },
  ];
}

const HEADER = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './math.js';\n";
const testFile = (...tests: Array<[string, string]>) => HEADER + tests.map(([name, body]) => `\ntest('${name}', () => {\n  ${body}\n});\n`).join('');

describe('red→green evidence of a bugfix goal, end to end (builtin engine, scripted model server)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  beforeEach(() => {
    repo = sampleRepo();
  });
  afterEach(async () => {
    await server?.close();
    repo.cleanup();
  });

  async function runGoal(prompt: string, test: string, acceptance?: string[]): Promise<{ out: { goal_id: string; status: string; proof: string; goal_dir: string }; proof: ProofV2 }> {
    const plan = planStep(['math.js', 'math.test.js']);
    if (acceptance) plan.content = plan.content.replace(/"acceptance": \[[^\]]*\]/, `"acceptance": ${JSON.stringify(acceptance)}`);
    server = await startModelServer({ scenario: { name: 'red-green', steps: [plan, ...fixSteps(test)] } });
    repo.writeConfig(builtinConfig(server.url));
    const run = await runOmk(['goal', 'run', prompt, '--json'], { cwd: repo.root, env: repo.env });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as { goal_id: string; status: string; proof: string; goal_dir: string };
    return { out, proof: JSON.parse(readFileSync(out.proof, 'utf8')) as ProofV2 };
  }

  it('records the new test failing on the base and passing on head, shows the pair in proof.md, and --verify derives it again', async () => {
    const { out, proof } = await runGoal('fix add() in math.js, it subtracts', testFile(['add adds', 'assert.equal(add(2, 3), 5);'], ['add handles negatives', 'assert.equal(add(-2, 2), 0);']), [
      'A regression test that fails without the fix is added.',
      'Test `add handles negatives` passes.',
      'Gate `test` passes.',
    ]);
    expect(out.status).toBe('ready');
    expect(proof.version).toBe(2);
    expect(proof.tests.policy).toBe('required');
    expect(proof.tests.changed_test_files).toEqual(['math.test.js']);
    expect(proof.tests.change_tests_tree).toMatch(/^[0-9a-f]{40}$/);
    const [cmp] = proof.tests.comparisons;
    // The base as it is (one test, failing), the base with the change's tests (two, both failing: a - b), head (two passing).
    expect(cmp).toMatchObject({
      gate: 'test',
      base: { failed: true, counts: { total: 1, failed: 1 } },
      base_with_change_tests: { failed: true, counts: { total: 2, failed: 2 } },
      head: { passed: true, counts: { total: 2, passed: 2, failed: 0 } },
    });
    expect(proof.tests.red_green.status).toBe('proven');
    expect(proof.tests.red_green.pairs.map((p) => [p.test, p.from_changed_tests])).toEqual([
      ['add adds', true],
      ['add handles negatives', true],
    ]);
    expect(proof.acceptance.map((a) => [a.id, a.status, a.checked_by])).toEqual([
      ['fix-add#1', 'met', 'red_green'],
      ['fix-add#2', 'met', 'named_test'],
      ['fix-add#3', 'met', 'gate'],
    ]);

    const md = readFileSync(path.join(out.goal_dir, 'proof.md'), 'utf8');
    expect(md).toContain('## Test evidence');
    expect(md).toMatch(/add handles negatives/);

    const verify = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);

    // The pair rests on the recorded output of the base run: edit that output to a pass and --verify names it.
    const proofJson = JSON.parse(readFileSync(out.proof, 'utf8')) as { gates: Array<{ scope: string; stdout: { path: string } }> };
    const redRun = proofJson.gates.find((g) => g.scope === 'red_green')!;
    const stdoutFile = path.join(out.goal_dir, redRun.stdout.path);
    writeFileSync(stdoutFile, readFileSync(stdoutFile, 'utf8').replace(/^not ok/gm, 'ok'));
    const forged = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(forged.status).not.toBe(0);
    expect(forged.stdout + forged.stderr).toContain(redRun.stdout.path);
  });

  it('a "regression test" that passes on the base too proves nothing: the bugfix is not ready and the gap says why', async () => {
    // A base whose one test passes although add() is wrong, so only a new test could show the fix.
    writeFileSync(path.join(repo.root, 'math.test.js'), testFile(['add adds zero', 'assert.equal(add(2, 0), 2);']));
    repo.git('commit', '-qam', 'a test that misses the bug');
    const { out, proof } = await runGoal('fix add() in math.js, it subtracts', testFile(['add adds zero', 'assert.equal(add(2, 0), 2);'], ['add zeros', 'assert.equal(add(0, 0), 0);']), [
      'A regression test that fails without the fix is added.',
      'Gate `test` passes.',
    ]);
    expect(proof.tests.comparisons[0]).toMatchObject({ base: { passed: true }, base_with_change_tests: { passed: true, counts: { total: 2 } }, head: { passed: true } });
    expect(proof.tests.red_green.status).toBe('not_proven');
    expect(proof.tests.red_green.pairs).toEqual([]);
    expect(proof.status).toBe('not_ready');
    expect(out.status).toBe('not_ready');
    expect(proof.known_gaps.join('\n')).toMatch(/no test fails on the base and passes on head \(red→green\): gate `test` passed on the base with the change's tests/);
    expect(proof.acceptance.map((a) => [a.id, a.status])).toEqual([
      ['fix-add#1', 'unmet'],
      ['fix-add#2', 'met'],
    ]);
    const verify = await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env });
    expect(verify.stdout).toContain('OK');
    expect(verify.status).toBe(0);
  });
});
