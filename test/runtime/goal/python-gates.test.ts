import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT, runOmkChild } from './cli-child.js';
import { sampleRepo, type SampleRepo } from './sample-repo.js';

const UNITTEST = 'import unittest\n\nfrom m import add\n\n\nclass AddTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n';

/** A small Python repository as a new user has it: no manifest, a root-level unittest module; pytest not on PATH. */
describe.skipIf(!BUILT)('goals in a Python repository with root-level tests (built CLI)', () => {
  let repo: SampleRepo;
  let env: Record<string, string | undefined>;
  beforeEach(() => {
    repo = sampleRepo();
    for (const f of ['package.json', 'math.js', 'math.test.js']) rmSync(path.join(repo.root, f));
    writeFileSync(path.join(repo.root, 'm.py'), 'def add(a, b):\n    return a - b\n');
    env = { ...repo.env, PATH: '/usr/bin:/bin' };
  });
  afterEach(() => repo.cleanup());
  const commit = (): void => {
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'python project');
  };

  it('detects the unittest gate and plans instead of asking which command to run', async () => {
    writeFileSync(path.join(repo.root, 'test_m.py'), UNITTEST);
    commit();
    const r = await runOmkChild(['goal', 'plan', 'fix the add function in m.py', '--json'], repo.root, env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; goal_dir: string };
    expect(out.status).toBe('planned');
    const goal = JSON.parse(readFileSync(path.join(out.goal_dir, 'goal.json'), 'utf8')) as { intake: { oracle: { gates: string[] } } };
    expect(goal.intake.oracle.gates).toEqual(['unittest']);
  }, 30_000);

  it('without tests the question is printed once and names --gate; --gate then supplies the gate, recorded in goal.json', async () => {
    commit();
    const blocked = await runOmkChild(['goal', 'run', 'fix the add function in m.py'], repo.root, env);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout.split('Which test or command reproduces the bug').length - 1).toBe(1);
    expect(blocked.stdout).toContain('--gate "test=COMMAND"');
    const r = await runOmkChild(['goal', 'plan', 'fix the add function in m.py', '--gate', 'test=python3 -m unittest', '--json'], repo.root, env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; goal_dir: string };
    expect(out.status).toBe('planned');
    const goal = JSON.parse(readFileSync(path.join(out.goal_dir, 'goal.json'), 'utf8')) as { options: { gate_commands: Record<string, string> }; intake: { oracle: { gates: string[] } } };
    expect(goal.options.gate_commands).toEqual({ test: 'python3 -m unittest' });
    expect(goal.intake.oracle.gates).toEqual(['test']);
    const bad = await runOmkChild(['goal', 'plan', 'fix it', '--gate', 'python3 -m unittest'], repo.root, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected NAME=COMMAND');
  }, 30_000);
});
