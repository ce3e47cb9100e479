import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT, spawnOmk, until, type Child } from './cli-child.js';
import { commitFiles, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

interface LoggedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

function goalEvents(repo: SampleRepo): LoggedEvent[] {
  const goals = path.join(repo.root, '.omk', 'goals');
  if (!existsSync(goals)) return [];
  const [id] = readdirSync(goals);
  const file = id ? path.join(goals, id, 'events.jsonl') : '';
  if (!id || !existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as LoggedEvent);
}

describe.skipIf(!BUILT)('omk worker: separate processes claiming tasks from the same store (needs npm run build)', () => {
  let repo: SampleRepo;
  const children: Child[] = [];
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH }, 'add() works');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.child.kill('SIGKILL');
      await c.done.catch(() => undefined);
    }
    repo.cleanup();
  });

  it('a worker killed mid-task gives the task back; another worker finishes it and the goal reaches its verdict', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], {
      // The first attempt hangs (its worker is killed meanwhile); the second one does the work.
      'part-a \\(attempt 1\\)': [{ sleep_ms: 60_000 }, { say: 'too late' }],
      'part-a \\(attempt 2\\)': [{ edit: { path: 'a.js', content: "export const part = 'a';\n" } }, { say: 'done' }],
    });
    const controller = spawnOmk(['goal', 'run', 'add part a', '--json', '--local-agents', '0'], repo.root, repo.env);
    children.push(controller);
    const first = spawnOmk(['worker', '--idle-exit', '30'], repo.root, repo.env);
    children.push(first);
    expect(await until(() => goalEvents(repo).some((e) => e.type === 'task.started'), 30_000)).toBe(true);
    const started = goalEvents(repo).find((e) => e.type === 'task.started')!;
    expect(String(started.payload.owner)).toMatch(/^worker:/);
    expect(started.payload.owner).toContain(`:${first.child.pid}:`);
    first.child.kill('SIGKILL');
    await first.done;

    const second = spawnOmk(['worker', '--idle-exit', '3', '--json'], repo.root, repo.env);
    children.push(second);
    const result = await controller.done;
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { status: string }).status).toBe('ready');
    const log = goalEvents(repo);
    expect(log.find((e) => e.type === 'task.lease_expired')?.payload).toMatchObject({ task_id: 'part-a', owner: started.payload.owner });
    expect(log.find((e) => e.type === 'task.attempt_interrupted')?.payload).toMatchObject({ task_id: 'part-a', attempt: 1 });
    const completed = log.filter((e) => e.type === 'task.completed');
    expect(completed).toHaveLength(1);
    const finisher = log.filter((e) => e.type === 'task.started').at(-1)!;
    expect(finisher.payload).toMatchObject({ attempt: 2 });
    expect(finisher.payload.owner).toContain(`:${second.child.pid}:`);
    const summary = await second.done;
    expect(summary.code, summary.stderr).toBe(0);
    expect(JSON.parse(summary.stdout)).toMatchObject({ attempts: 1 });
  }, 90_000);

  it("a killed worker's leftover process is stopped before the task runs again: its late write never lands", async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js', 'orphan.txt'] }], {
      // Attempt 1 starts a command that writes late; its worker is killed while it sleeps.
      'part-a \\(attempt 1\\)': [{ run: { command: 'sleep 3; echo ORPHAN > orphan.txt' } }, { say: 'too late' }],
      // Attempt 2 is still working when the orphan would write.
      'part-a \\(attempt 2\\)': [{ sleep_ms: 4500 }, { edit: { path: 'a.js', content: "export const part = 'a';\n" } }, { say: 'done' }],
    });
    // Like some real agents, this one does not exit when its stdin closes: killing its worker leaves it running.
    const file = path.join(repo.home, 'scenario.json');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), quirks: ['ignore_stdin_eof'] }));
    const controller = spawnOmk(['goal', 'run', 'add part a', '--json', '--local-agents', '0'], repo.root, repo.env);
    children.push(controller);
    const first = spawnOmk(['worker', '--idle-exit', '30'], repo.root, repo.env);
    children.push(first);
    expect(await until(() => goalEvents(repo).some((e) => e.type === 'approval.decided'), 30_000)).toBe(true);
    first.child.kill('SIGKILL');
    await first.done;
    const second = spawnOmk(['worker', '--idle-exit', '3'], repo.root, repo.env);
    children.push(second);
    const result = await controller.done;
    expect(result.code, result.stderr).toBe(0);
    const head = String(goalEvents(repo).filter((e) => e.type === 'integration.completed').at(-1)!.payload.head_sha);
    expect(repo.git('ls-tree', '--name-only', head)).not.toMatch(/orphan\.txt/);
    expect(repo.git('show', `${head}:a.js`)).toContain("'a'");
  }, 90_000);

  it('a worker started before any goal waits, claims nothing, and exits after --idle-exit', async () => {
    const worker = spawnOmk(['worker', '--idle-exit', '1', '--json'], repo.root, repo.env);
    children.push(worker);
    const r = await worker.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ attempts: 0, reason: 'no work to claim' });
    expect(repo.git('status', '--porcelain')).toBe('');
  });
});
