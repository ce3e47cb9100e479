// parallel.4x4_ratio: 4 independent tasks at --max-agents 4 should take about the time of one task plus
// omk's overhead, not four times it.
//
// How: a small temp repository, one cheap gate `test` = `true`, and the fake ACP agent (a real child
// process per turn) whose planner answers with N independent tasks and whose every task turn sleeps
// AGENT_SLEEP_MS and then writes its own file. `omk goal run --max-agents 4` is run in-process through
// the CLI, once with 1 task and once with 4 (ROUNDS times each, alternated); the figures are the medians
// and parallel.4x4_ratio = wall(4 tasks) / wall(1 task). 1.0 is perfect overlap; 4.0 is serial.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/program.js';
import { benchEnv, median, type Figure } from './figure.js';

const FAKE_ACP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'agents', 'fake-acp-agent.mjs');
const AGENT_SLEEP_MS = 1500;
const MAX_AGENTS = 4;
const ROUNDS = 3;

/** The planner's answer: `n` independent tasks, each writing its own file, judged by `test`. */
function planAnswer(n: number): string {
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    title: `write t${i}.txt`,
    description: `create t${i}.txt`,
    depends_on: [],
    read_set: ['**'],
    write_set: [`t${i}.txt`],
    acceptance: ['Gate `test` passes.'],
    risk: 'low',
    max_retries: 0,
    gates: ['test'],
  }));
  return `\`\`\`json\n${JSON.stringify({ version: 1, goal_id: '<ignored>', tasks })}\n\`\`\``;
}

function makeRepo(tasks: number): { root: string; env: Record<string, string | undefined>; cleanup: () => void } {
  const base = mkdtempSync(path.join(tmpdir(), 'omk-bench-parallel-'));
  const root = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(root);
  mkdirSync(home);
  const git = { ...benchEnv(), HOME: home, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
  writeFileSync(path.join(root, 'README.md'), '# bench\n');
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'bench repo']]) execFileSync('git', args, { cwd: root, env: git });
  const scenario = path.join(home, 'scenario.json');
  const perTask = Array.from({ length: tasks }, (_, i) => ({
    match: `OMK-TASK-REQUEST t${i} `,
    steps: [{ sleep_ms: AGENT_SLEEP_MS }, { edit: { path: `t${i}.txt`, content: `t${i}\n` } }, { say: 'done' }],
  }));
  writeFileSync(scenario, JSON.stringify({ prompts: [{ match: 'OMK-PLANNER-REQUEST', steps: [{ say: planAnswer(tasks) }] }, ...perTask] }));
  mkdirSync(path.join(root, '.omk'));
  writeFileSync(
    path.join(root, '.omk', 'config.toml'),
    [
      '[defaults]',
      'engine = "fake"',
      'reviewer_engine = "none"',
      '[engines.fake]',
      'protocol = "acp"',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = [${JSON.stringify(FAKE_ACP)}, "acp", "--scenario", ${JSON.stringify(scenario)}]`,
      '[gates.test]',
      'command = "true"',
      '',
    ].join('\n'),
  );
  return { root, env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1' }, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Wall time of one `omk goal run` of `tasks` tasks, in ms; throws unless the goal is ready. */
async function goalWall(tasks: number): Promise<number> {
  const repo = makeRepo(tasks);
  try {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const start = performance.now();
    const status = await runCli(['goal', 'run', 'write the bench files', '--max-agents', String(MAX_AGENTS), '--json'], 'bench', { cwd: repo.root, env: repo.env, stdout, stderr });
    const wall = performance.now() - start;
    if (status !== 0) throw new Error(`goal of ${tasks} task(s) exited ${status}: ${out}${err}`);
    return wall;
  } finally {
    repo.cleanup();
  }
}

interface Measured {
  oneMs: number;
  fourMs: number;
  ratio: number;
}

let measured: Promise<Measured> | undefined;
/** Both goals ROUNDS times, alternated so machine noise hits both alike; shared by the three figures. */
function measure(): Promise<Measured> {
  measured ??= (async () => {
    const one: number[] = [];
    const four: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      one.push(await goalWall(1));
      four.push(await goalWall(4));
      ratios.push(four.at(-1)! / one.at(-1)!);
    }
    return { oneMs: median(one), fourMs: median(four), ratio: median(ratios) };
  })();
  return measured;
}

const extra = { agent_sleep_ms: AGENT_SLEEP_MS, max_agents: MAX_AGENTS, rounds: ROUNDS };

export const figures: Figure[] = [
  { name: 'parallel.one_task_ms', run: async () => ({ value: (await measure()).oneMs, unit: 'ms', ...extra }) },
  { name: 'parallel.four_tasks_ms', run: async () => ({ value: (await measure()).fourMs, unit: 'ms', ...extra }) },
  {
    name: 'parallel.4x4_ratio',
    run: async () => {
      const m = await measure();
      return { value: m.ratio, unit: 'x', method: 'median over rounds of wall(4 independent tasks) / wall(1 task), same agent sleep and gate; 1 is perfect overlap, 4 is serial', ...extra };
    },
  },
];
