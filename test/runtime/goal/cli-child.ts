import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ScenarioInput } from '../../fixtures/model-server/index.js';
import { planStep } from './sample-repo.js';

/** The built CLI (`npm run build`): crash tests run omk as a real child process they can SIGKILL. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/omk.js');
export const BUILT = existsSync(path.resolve(path.dirname(BIN), '../dist/main.js'));

export interface Child {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `node bin/omk.js ARGS` in `cwd` with exactly `env`. */
export function spawnOmk(args: string[], cwd: string, env: Record<string, string | undefined>): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runOmkChild(args: string[], cwd: string, env: Record<string, string | undefined>): Child['done'] {
  return spawnOmk(args, cwd, env).done;
}

/**
 * A scenario that does not depend on how many requests came before: every step is a standing rule
 * matched on the conversation's last message, so a controller killed at any point and a resumed one
 * get the same answers. Plan → edit math.js → run the test → answer, each reply after `delayMs`.
 */
export function statelessFixScenario(delayMs: number, command = 'node --test'): ScenarioInput {
  return {
    name: 'stateless-fix-add',
    steps: [
      { ...planStep(), match: { role: 'user', contains: 'OMK-PLANNER-REQUEST' }, repeat: 'forever', delay_ms: delayMs },
      { label: 'test', match: { role: 'tool', contains: 'edited math.js' }, repeat: 'forever', delay_ms: delayMs, tool_calls: [{ name: 'bash', arguments: { command } }] },
      { label: 'answer', match: { role: 'tool', regex: '[\\s\\S]' }, repeat: 'forever', delay_ms: delayMs, content: 'Fixed add(); the test passes.' },
      {
        label: 'edit',
        match: { role: 'user', contains: 'OMK-TASK-REQUEST' },
        repeat: 'forever',
        delay_ms: delayMs,
        tool_calls: [{ name: 'edit_file', arguments: { path: 'math.js', old: 'return a - b;', new: 'return a + b;' } }],
      },
    ],
  };
}

/** Lines of the (only) goal's events.jsonl, 0 before it exists. */
export function eventLines(repoRoot: string): number {
  const goals = path.join(repoRoot, '.omk', 'goals');
  if (!existsSync(goals)) return 0;
  const ids = readdirSync(goals);
  if (ids.length === 0) return 0;
  const file = path.join(goals, ids[0]!, 'events.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

export interface StoreFacts {
  leases: number;
  controllers: number;
  completed: Map<string, number>;
  tasks: Array<{ id: string; status: string }>;
  goalStatus: string;
  types: string[];
}

/** What the store holds for the latest goal, read directly (read-only). */
export function storeFacts(repoRoot: string): StoreFacts {
  const db = new Database(path.join(repoRoot, '.omk', 'omk.db'), { readonly: true });
  try {
    const goal = db.prepare('SELECT id, status FROM goals ORDER BY created_at DESC LIMIT 1').get() as { id: string; status: string };
    const types = (db.prepare('SELECT type, payload FROM events WHERE goal_id = ? ORDER BY seq').all(goal.id) as Array<{ type: string; payload: string }>);
    const completed = new Map<string, number>();
    for (const e of types) {
      if (e.type !== 'task.completed') continue;
      const id = (JSON.parse(e.payload) as { task_id: string }).task_id;
      completed.set(id, (completed.get(id) ?? 0) + 1);
    }
    return {
      leases: (db.prepare('SELECT count(*) AS n FROM leases').get() as { n: number }).n,
      controllers: (db.prepare('SELECT count(*) AS n FROM goal_controllers').get() as { n: number }).n,
      completed,
      tasks: db.prepare('SELECT id, status FROM tasks WHERE goal_id = ?').all(goal.id) as Array<{ id: string; status: string }>,
      goalStatus: goal.status,
      types: types.map((e) => e.type),
    };
  } finally {
    db.close();
  }
}

/** Processes (other than the excluded ones) whose working directory is under `dir`: survivors of a run. */
export function processesUnder(dir: string): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) out.push({ pid: Number(name), cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** A process that exists and is not a zombie (a killed child waiting to be reaped is gone for our purposes). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Resolves when `pred()` holds, polling every `everyMs` (a trigger for a kill, never a test assertion). */
export async function until(pred: () => boolean, timeoutMs: number, everyMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return pred();
}
