import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/defaults.js';
import type { GateSpec } from '../../../src/core/gates/spec.js';
import { scopeOf, type GoalRuntime, type GoalScope } from '../../../src/runtime/goal/context.js';
import { runScopedGates, type GateRunPlace } from '../../../src/runtime/goal/gate-runs.js';
import { openStore, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';

// A goal reuses its own earlier run of the same gate spec on the same tree (docs/gates.md "Reuse within a goal").
describe('gate runs reused within a goal', () => {
  let base: string;
  let root: string;
  let counter: string;
  let store: SqliteStore;
  let tree: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: base, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();

  beforeEach(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'omk-gate-reuse-'));
    root = path.join(base, 'repo');
    mkdirSync(root);
    // Outside the repository, so counting executions never changes the tree being judged.
    counter = path.join(base, 'executions');
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(root, 'a.txt'), 'a\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'a');
    tree = git('rev-parse', 'HEAD^{tree}');
    store = await openStore({ dbFile: path.join(base, 'omk.db'), goalsDir: path.join(base, 'goals') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(base, { recursive: true, force: true });
  });

  const executions = () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0);
  const gate = (command: string, more: Partial<GateSpec> = {}): GateSpec => ({
    name: 'test',
    command: `echo ran >> "$COUNTER"; ${command}`,
    cwd: '.',
    timeoutMs: 60_000,
    required: true,
    env: { COUNTER: counter },
    source: 'config',
    why: 'test',
    ...more,
  });

  async function goal(id: string, reuse = true): Promise<GoalScope> {
    await store.transaction((tx) => tx.createGoal({ id, prompt: 'p' }));
    const config = defaultConfig();
    config.goal.reuse_gate_runs = reuse;
    const rt: GoalRuntime = {
      store,
      repoRoot: root,
      goalsDir: path.join(base, 'goals'),
      worktreesRoot: path.join(base, 'worktrees'),
      env: { PATH: process.env.PATH, HOME: base },
      homeDir: base,
      config,
      gates: [],
      engine: undefined,
      now: () => new Date(),
      randomHex: () => '0000',
      signal: new AbortController().signal,
      progress: () => undefined,
      owner: 'test',
    };
    return scopeOf(rt, id);
  }
  const task: GateRunPlace = { root: '', treeSha: '', scope: 'task', taskId: 't1' };
  const at = (scope: GateRunPlace['scope'], taskId: string | null = null): GateRunPlace => ({ ...task, root, treeSha: tree, scope, taskId });
  const recorded = async (scope: GoalScope) =>
    (await store.readEvents(scope.goalId)).filter((e) => e.type === 'gate.run_recorded').map((e) => e.payload as { run_id: string; scope: string; reused_from?: string });

  it('a passing run and a failing run are recorded again for a new scope, pointing at the same outputs', async () => {
    const g = await goal('g-1');
    for (const command of ['echo ok', 'echo broken >&2; exit 1']) {
      const before = executions();
      const [first] = await runScopedGates(g, [gate(command)], at('task', 't1'));
      const [again] = await runScopedGates(g, [gate(command)], at('integration'));
      expect(executions()).toBe(before + 1);
      expect(again).toMatchObject({ scope: 'integration', task_id: null, tree_sha: tree, passed: first!.passed, exit_code: first!.exit_code, reused_from: first!.run_id });
      expect(again!.run_id).not.toBe(first!.run_id);
      expect(again!.stdout).toEqual(first!.stdout);
      expect(again!.stderr).toEqual(first!.stderr);
      const record = JSON.parse(readFileSync(path.join(g.dir.root, again!.result_path), 'utf8')) as { reused_from: string };
      expect(record.reused_from).toBe(first!.run_id);
    }
    const events = await recorded(g);
    expect(events.map((e) => e.reused_from ?? null)).toEqual([null, events[0]!.run_id, null, events[2]!.run_id]);
    // A third look reuses the original run, never a reuse of it.
    const [third] = await runScopedGates(g, [gate('echo ok')], at('baseline'));
    expect(third!.reused_from).toBe(events[0]!.run_id);
  });

  it('runs again on another tree, with another command or environment, and when reuse is off', async () => {
    const g = await goal('g-2');
    await runScopedGates(g, [gate('true')], at('task', 't1'));
    expect(executions()).toBe(1);
    await runScopedGates(g, [gate('true', { env: { COUNTER: counter, MODE: 'strict' } })], at('integration'));
    await runScopedGates(g, [gate('true ')], at('integration'));
    writeFileSync(path.join(root, 'a.txt'), 'b\n');
    git('commit', '-q', '-am', 'b');
    await runScopedGates(g, [gate('true')], { ...at('integration'), treeSha: git('rev-parse', 'HEAD^{tree}') });
    expect(executions()).toBe(4);
    const off = await goal('g-3', false);
    await runScopedGates(off, [gate('true')], at('task', 't1'));
    await runScopedGates(off, [gate('true')], at('integration'));
    expect(executions()).toBe(6);
    expect((await recorded(off)).every((e) => e.reused_from === undefined)).toBe(true);
  });

  it('never reuses another goal’s run, a timed-out run, an infrastructure error, or a run whose output changed', async () => {
    const first = await goal('g-4');
    await runScopedGates(first, [gate('true')], at('task', 't1'));
    const other = await goal('g-5');
    const [own] = await runScopedGates(other, [gate('true')], at('task', 't1'));
    expect(own!.reused_from).toBeUndefined();
    expect(executions()).toBe(2);

    // Separate names: each gate has its own circuit breaker, which would refuse a third infrastructure failure.
    const slow = gate('sleep 5', { name: 'slow', timeoutMs: 200 });
    const [timedOut] = await runScopedGates(other, [slow], at('task', 't1'));
    expect(timedOut!.timed_out).toBe(true);
    const [retried] = await runScopedGates(other, [slow], at('integration'));
    expect(retried!.reused_from).toBeUndefined();

    const missing = gate('exit 127', { name: 'missing' });
    const [infra] = await runScopedGates(other, [missing], at('task', 't1'));
    expect(infra!.infra_error).not.toBeNull();
    expect((await runScopedGates(other, [missing], at('integration')))[0]!.reused_from).toBeUndefined();
    expect(executions()).toBe(6);

    const edited = gate('echo original');
    const [run] = await runScopedGates(other, [edited], at('task', 't1'));
    appendFileSync(path.join(other.dir.root, run!.stdout.path), 'tampered\n');
    const [fresh] = await runScopedGates(other, [edited], at('integration'));
    expect(fresh!.reused_from).toBeUndefined();
    expect(executions()).toBe(8);
  });
});
