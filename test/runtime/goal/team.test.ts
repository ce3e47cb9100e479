import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/defaults.js';
import { createGoal } from '../../../src/runtime/goal/intake.js';
import type { GoalRuntime } from '../../../src/runtime/goal/index.js';
import { resolvePaths } from '../../../src/runtime/paths.js';
import { openStore } from '../../../src/runtime/store/sqlite-store.js';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, FAKE_ACP, planSay, type PlannedTask, type Steps } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

interface LoggedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

function events(goalDir: string): LoggedEvent[] {
  return readFileSync(path.join(goalDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedEvent);
}

interface Prompt {
  match: string;
  steps: Steps;
}

/** The fake ACP agent as every role (no reviewer agent), answering the scenario's prompts; a `test` gate. */
function useAgent(repo: SampleRepo, prompts: Prompt[], command = process.execPath): void {
  const scenario = path.join(repo.home, 'scenario.json');
  writeFileSync(scenario, JSON.stringify({ prompts }));
  repo.writeConfig(
    [
      '[defaults]',
      'engine = "fake"',
      'reviewer_engine = "none"',
      '[engines.fake]',
      'protocol = "acp"',
      `command = ${JSON.stringify(command)}`,
      `args = [${JSON.stringify(FAKE_ACP)}, "acp", "--scenario", ${JSON.stringify(scenario)}]`,
      '[gates.test]',
      'command = "node --test"',
      '',
    ].join('\n'),
  );
}

/** Each task writes its own file, after `sleepMs`. */
function taskPrompts(tasks: PlannedTask[], sleepMs = 0): Prompt[] {
  return tasks.map((t) => ({
    match: `OMK-TASK-REQUEST ${t.id} `,
    steps: [...(sleepMs > 0 ? [{ sleep_ms: sleepMs }] : []), { edit: { path: t.write[0]!, content: `export const part = '${t.id}';\n` } }, { say: 'done' }],
  }));
}

interface RunOut {
  goal_id: string;
  status: string;
  goal_dir: string;
  exit: number;
  stderr: string;
}

async function team(repo: SampleRepo, args: string[]): Promise<RunOut> {
  const r = await runOmk(['team', 'run', ...args, '--json'], { cwd: repo.root, env: repo.env });
  const out = JSON.parse(r.stdout) as { goal_id: string; status: string; goal_dir: string };
  return { ...out, exit: r.status, stderr: r.stderr };
}

const SLICES: PlannedTask[] = [
  { id: 'part-a', write: ['a.js'] },
  { id: 'part-b', write: ['b.js'] },
];

describe('omk team run N:ROLE "TASK": a goal decomposed into N independent slices, run at once', () => {
  let repo: SampleRepo;
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(() => repo.cleanup());

  it('2:executor decomposes into 2 slices that run at once, integrates them to ready, and the proof verifies', async () => {
    useAgent(repo, [{ match: 'OMK-TEAM-REQUEST', steps: [{ say: planSay(SLICES) }] }, ...taskPrompts(SLICES, 1200)]);
    const out = await team(repo, ['2:executor', 'give a.js and b.js their parts']);
    expect(out.status).toBe('ready');
    expect(out.exit).toBe(0);
    const log = events(out.goal_dir);
    const intake = log.find((e) => e.type === 'goal.intake_assessed')!;
    expect(intake.payload).toMatchObject({ team: { workers: 2, role: 'executor' }, max_agents: 2, testable: true });
    const started = log.filter((e) => e.type === 'task.started');
    const firstFinished = log.find((e) => e.type === 'task.attempt_finished')!;
    expect(started.map((e) => e.payload.task_id).sort()).toEqual(['part-a', 'part-b']);
    expect(started.every((e) => e.seq < firstFinished.seq)).toBe(true);
    const integrated = log.filter((e) => e.type === 'integration.completed').at(-1)!;
    expect((integrated.payload.merged as string[]).sort()).toEqual(['part-a', 'part-b']);
    for (const p of ['a', 'b']) expect(repo.git('show', `${String(integrated.payload.head_sha)}:${p}.js`)).toContain(`part-${p}`);

    // The decomposition prompt asked for at most 2 slices; only task-graph.json was written, every task an executor.
    expect(readFileSync(path.join(out.goal_dir, 'transcripts', '_planner', '1.jsonl'), 'utf8')).toContain('at most 2 slice(s)');
    for (const doc of ['prd.md', 'technical-plan.md', 'test-spec.md']) expect(existsSync(path.join(out.goal_dir, doc))).toBe(false);
    const graph = JSON.parse(readFileSync(path.join(out.goal_dir, 'task-graph.json'), 'utf8')) as { tasks: Array<{ role: string }> };
    expect(graph.tasks.map((t) => t.role)).toEqual(['executor', 'executor']);
    const goalJson = JSON.parse(readFileSync(path.join(out.goal_dir, 'goal.json'), 'utf8')) as { options: Record<string, unknown> };
    expect(goalJson.options).toMatchObject({ max_agents: 2, team: { workers: 2, role: 'executor' } });

    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
    const show = await runOmk(['goal', 'show', out.goal_id], { cwd: repo.root, env: repo.env });
    expect(show.stdout).toContain('team run: 2:executor');
    expect(show.stdout).toContain('fake split into 2 executor slice(s)');
    const replay = await runOmk(['goal', 'replay', out.goal_id], { cwd: repo.root, env: repo.env });
    expect(replay.stdout).toContain('team 2:executor');
  });

  it('a split with overlapping write sets is re-asked with the overlap named', async () => {
    const overlapping: PlannedTask[] = [
      { id: 'part-a', write: ['*.js'] },
      { id: 'part-b', write: ['b.js'] },
    ];
    useAgent(repo, [
      // The first entry that matches wins: the re-ask (which names the problem) gets the good split.
      { match: 'OMK-TEAM-REQUEST[\\s\\S]*write_overlap', steps: [{ say: planSay(SLICES) }] },
      { match: 'OMK-TEAM-REQUEST', steps: [{ say: planSay(overlapping) }] },
      ...taskPrompts(SLICES),
    ]);
    const out = await team(repo, ['2:executor', 'give a.js and b.js their parts']);
    expect(out.status).toBe('ready');
    const second = readFileSync(path.join(out.goal_dir, 'transcripts', '_planner', '2.jsonl'), 'utf8');
    expect(second).toContain('[write_overlap]');
    expect(second).toContain('may write the same files');
    expect(second).toContain('disjoint write sets');
    const planned = events(out.goal_dir).find((e) => e.type === 'goal.planned')!;
    expect(planned.payload).toMatchObject({ planner: 'engine', asks: 2 });
  });

  it.each([
    ['0:executor', 'N must be from 1 to 16'],
    ['17:executor', 'N must be from 1 to 16'],
    ['x:executor', 'N must be a whole number'],
    ['3:wizard', 'unknown role "wizard"'],
    ['3', 'expected N:ROLE'],
    ['2:reviewer', 'a reviewer team cannot write'],
  ])('bad N:ROLE %s: exit 2 naming the argument and the form, nothing created', async (spec, why) => {
    useAgent(repo, []);
    const r = await runOmk(['team', 'run', spec, 'add a flag to cli.js'], { cwd: repo.root, env: repo.env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`bad N:ROLE argument ${JSON.stringify(spec)}`);
    expect(r.stderr).toContain(why);
    expect(r.stderr).toMatch(/fix: .*(N:ROLE|executor, tester, documenter)/);
    const paths = resolvePaths({ cwd: repo.root, env: repo.env });
    expect(existsSync(paths.dbFile!)).toBe(false);
    expect(existsSync(paths.goalsDir!)).toBe(false);
  });

  it('no engine that can plan: one task of the team role for the whole request, recorded as a decision', async () => {
    useAgent(repo, [], path.join(repo.home, 'no-such-agent'));
    const out = await team(repo, ['3:tester', 'add tests for add() in math.js']);
    const graph = JSON.parse(readFileSync(path.join(out.goal_dir, 'task-graph.json'), 'utf8')) as { tasks: Array<{ id: string; role: string; write_set: string[] }> };
    expect(graph.tasks).toHaveLength(1);
    expect(graph.tasks[0]).toMatchObject({ role: 'tester', write_set: ['**'] });
    const decisions = readFileSync(path.join(out.goal_dir, 'decisions.jsonl'), 'utf8');
    expect(decisions).toContain('one tester task for the whole request (team fallback)');
    expect(decisions).toContain('could not start');
    expect(events(out.goal_dir).find((e) => e.type === 'goal.planned')!.payload).toMatchObject({ planner: 'fallback' });
    // The executor cannot start either: the goal is blocked on it, honestly, with a proof that verifies.
    expect(out.status).toBe('blocked_on_external');
    expect(out.exit).toBe(3);
    expect((await runOmk(['goal', 'proof', out.goal_id, '--verify'], { cwd: repo.root, env: repo.env })).status).toBe(0);
  });

  it('a vague request is not stopped with a question; with no gate at all the proof says not ready', async () => {
    useAgent(repo, [{ match: 'OMK-TEAM-REQUEST', steps: [{ say: planSay([{ id: 'part-a', write: ['a.js'] }]).replace(/"gates": \[\s*"test"\s*\]/, '"gates": []') }] }, ...taskPrompts([{ id: 'part-a', write: ['a.js'] }])]);
    // No gate configured or detectable: the config names none and package.json has no test script.
    const config = readFileSync(path.join(repo.root, '.omk', 'config.toml'), 'utf8');
    writeFileSync(path.join(repo.root, '.omk', 'config.toml'), config.replace('[gates.test]\ncommand = "node --test"\n', ''));
    commitFiles(repo, { 'package.json': '{ "name": "sample", "type": "module" }\n' }, 'no test script');
    const out = await team(repo, ['1:executor', 'make it better']);
    const log = events(out.goal_dir);
    expect(log.some((e) => e.type === 'goal.question_asked')).toBe(false);
    expect(log.find((e) => e.type === 'goal.intake_assessed')!.payload).toMatchObject({ testable: true, oracle: { gates: [] } });
    expect(out.status).toBe('not_ready');
    const proof = JSON.parse(readFileSync(path.join(out.goal_dir, 'proof.json'), 'utf8')) as { known_gaps: string[] };
    expect(proof.known_gaps.join('\n')).toContain('the oracle names no gates');
  });

  it('omk goal resume continues a team run the same way: it decomposes with the recorded team', async () => {
    useAgent(repo, [{ match: 'OMK-TEAM-REQUEST', steps: [{ say: planSay(SLICES) }] }, ...taskPrompts(SLICES)]);
    // A controller that stopped right after creating the goal: only goal.json knows it is a team run.
    const paths = resolvePaths({ cwd: repo.root, env: repo.env });
    const store = await openStore({ dbFile: paths.dbFile!, goalsDir: paths.goalsDir! });
    let goalId: string;
    try {
      const rt = { store, repoRoot: repo.root, env: repo.env, goalsDir: paths.goalsDir!, gates: [], config: defaultConfig(), now: () => new Date(), randomHex: () => 'beef' } as unknown as GoalRuntime;
      goalId = (await createGoal(rt, { request: 'give a.js and b.js their parts', maxAgents: 2, untilReady: false, team: { workers: 2, role: 'executor' } })).goalId;
    } finally {
      await store.close();
    }
    const r = await runOmk(['goal', 'resume', goalId, '--json'], { cwd: repo.root, env: repo.env });
    const out = JSON.parse(r.stdout) as { status: string; goal_dir: string };
    expect(out.status).toBe('ready');
    const log = events(out.goal_dir);
    expect(log.find((e) => e.type === 'goal.intake_assessed')!.payload).toMatchObject({ team: { workers: 2, role: 'executor' }, max_agents: 2 });
    expect(readFileSync(path.join(out.goal_dir, 'transcripts', '_planner', '1.jsonl'), 'utf8')).toContain('OMK-TEAM-REQUEST');
    expect(log.filter((e) => e.type === 'task.started').map((e) => e.payload.task_id).sort()).toEqual(['part-a', 'part-b']);
  });
});
