// goal.overhead_per_task_ms: omk's own time per task (worktree, lease, diff capture, commit, gate
// bookkeeping, merge, events, proof) with the agent and the gates taken out.
//
// How: a 1,000-file repository, one gate `test` = `true`, and an in-process fake EnginePort that
// answers instantly (the planner returns N independent tasks, each executor writes its own file).
// The goal is run twice, with N_SMALL and N_LARGE tasks; for each run, overhead = wall time of
// runGoal − time inside the fake agent − the gate durations the gate records report. The figure is
// the slope (overhead(N_LARGE) − overhead(N_SMALL)) / (N_LARGE − N_SMALL): the marginal cost of a
// task, with the per-goal fixed cost (intake, baseline, review, proof) reported separately.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../src/core/config/defaults.js';
import type { GateSpec } from '../src/core/gates/spec.js';
import { runGoal, type AgentTurnRequest, type AgentTurnOutcome, type EnginePort, type GoalRuntime } from '../src/runtime/goal/index.js';
import { openStore } from '../src/runtime/store/sqlite-store.js';
import { benchEnv, type Figure } from './figure.js';

const FILES = 1000;
const N_SMALL = 1;
const N_LARGE = 6;

function makeRepo(): { root: string; home: string; cleanup: () => void } {
  const base = mkdtempSync(path.join(tmpdir(), 'omk-bench-goal-'));
  const root = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(home);
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, 'src', `d${Math.floor(i / 50)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.js`), `export const v${i} = ${i};\n`);
  }
  writeFileSync(path.join(root, 'README.md'), '# bench\n');
  const env = { ...benchEnv(), HOME: home, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'bench repo']]) execFileSync('git', args, { cwd: root, env });
  return { root, home, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** The fake agent: a planner answering with `tasks` independent tasks, executors writing their one file. */
function instantEngine(tasks: number): EnginePort & { agentMs: number } {
  const graph = {
    version: 1,
    goal_id: '<ignored>',
    tasks: Array.from({ length: tasks }, (_, i) => ({
      id: `t${i}`,
      title: `write out/t${i}.txt`,
      description: `create out/t${i}.txt`,
      depends_on: [],
      read_set: ['**'],
      write_set: [`out/t${i}.txt`],
      acceptance: ['Gate `test` passes.'],
      risk: 'low',
      max_retries: 0,
      gates: ['test'],
    })),
  };
  const port = {
    name: 'bench-instant',
    agentMs: 0,
    runTurn(req: AgentTurnRequest): Promise<AgentTurnOutcome> {
      const start = performance.now();
      let text = 'done';
      if (req.role === 'planner') text = `\`\`\`json\n${JSON.stringify(graph)}\n\`\`\``;
      else {
        const id = /write out\/(t\d+)\.txt/.exec(req.prompt)?.[1] ?? 'unknown';
        mkdirSync(path.join(req.cwd, 'out'), { recursive: true });
        writeFileSync(path.join(req.cwd, 'out', `${id}.txt`), `${id}\n`);
      }
      port.agentMs += performance.now() - start;
      return Promise.resolve({ started: true, stopReason: 'end_turn', text, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, exact: true }, costUsd: 0, model: undefined });
    },
  };
  return port;
}

interface RunOnce {
  wall: number;
  agent: number;
  gates: number;
  status: string;
  tasksDone: number;
}

/** A temp repository holding one finished (ready) goal, for timing read commands on it (startup.goal_status_ratio). */
export async function repoWithFinishedGoal(): Promise<{ root: string; home: string; status: string; cleanup: () => void }> {
  const repo = makeRepo();
  const r = await runOnce(1, repo, false);
  return { root: repo.root, home: repo.home, status: r.status, cleanup: repo.cleanup };
}

async function runOnce(tasks: number, repo = makeRepo(), cleanup = true): Promise<RunOnce> {
  const omkDir = path.join(repo.root, '.omk');
  const store = await openStore({ dbFile: path.join(omkDir, 'omk.db'), goalsDir: path.join(omkDir, 'goals') });
  const engine = instantEngine(tasks);
  const gate: GateSpec = { name: 'test', command: 'true', cwd: '.', timeoutMs: 60_000, required: true, env: {}, source: 'config', why: 'bench' };
  const rt: GoalRuntime = {
    store,
    repoRoot: repo.root,
    goalsDir: path.join(omkDir, 'goals'),
    worktreesRoot: path.join(omkDir, 'worktrees'),
    env: { ...benchEnv(), HOME: repo.home },
    homeDir: repo.home,
    config: defaultConfig(),
    gates: [gate],
    engine,
    now: () => new Date(),
    randomHex: () => 'b0b0',
    signal: new AbortController().signal,
    progress: () => undefined,
    owner: `bench-${process.pid}`,
  };
  try {
    const start = performance.now();
    const result = await runGoal(rt, { request: 'fix the failing test in src/d0/f0.js', maxAgents: 1, untilReady: false });
    const wall = performance.now() - start;
    const events = await store.readEvents(result.goalId);
    let gates = 0;
    for (const e of events) {
      if (e.type !== 'gate.run_recorded') continue;
      const p = e.payload as { record_path: string };
      gates += (JSON.parse(readFileSync(path.join(rt.goalsDir, result.goalId, p.record_path), 'utf8')) as { duration_ms: number }).duration_ms;
    }
    const tasksDone = events.filter((e) => e.type === 'task.completed').length;
    return { wall, agent: engine.agentMs, gates, status: result.status, tasksDone };
  } finally {
    await store.close();
    if (cleanup) repo.cleanup();
  }
}

export const figures: Figure[] = [
  {
    name: 'goal.overhead_per_task_ms',
    run: async () => {
      const small = await runOnce(N_SMALL);
      const large = await runOnce(N_LARGE);
      const overhead = (r: typeof small) => r.wall - r.agent - r.gates;
      const perTask = (overhead(large) - overhead(small)) / (N_LARGE - N_SMALL);
      return {
        value: perTask,
        unit: 'ms',
        method: `slope of (wall − agent − gate durations) between goals of ${N_SMALL} and ${N_LARGE} tasks; in-process fake agent, gate \`true\`, max_agents 1`,
        repo_files: FILES,
        fixed_overhead_ms: Math.round(overhead(small) - perTask * N_SMALL),
        average_overhead_per_task_ms: Math.round(overhead(large) / N_LARGE),
        [`wall_ms_${N_SMALL}`]: Math.round(small.wall),
        [`wall_ms_${N_LARGE}`]: Math.round(large.wall),
        [`gates_ms_${N_LARGE}`]: Math.round(large.gates),
        [`agent_ms_${N_LARGE}`]: Math.round(large.agent * 10) / 10,
        status: `${small.status}/${large.status}`,
        tasks_done: `${small.tasksDone}/${large.tasksDone}`,
      };
    },
  },
];
