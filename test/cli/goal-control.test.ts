import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { BUILT, isRunning, processesUnder, runOmkChild, spawnOmk, statelessFixScenario, storeFacts, until } from '../runtime/goal/cli-child.js';
import { builtinConfig, planStep, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
const GOAL = 'fix the failing test in math.js';

function eventsText(root: string): string {
  const goals = path.join(root, '.omk', 'goals');
  if (!existsSync(goals)) return '';
  const id = readdirSync(goals)[0];
  const file = id ? path.join(goals, id, 'events.jsonl') : '';
  return id && existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The agent's `sleep` (its bash tool call) is running under the sample repo. */
const agentSleeping = (repo: SampleRepo) => (): boolean => processesUnder(path.dirname(repo.root)).some((p) => /\bsleep\b/.test(p.cmd));

describe.skipIf(!BUILT)('pause, resume and cancel from another process (real CLI children; needs npm run build)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  it('pause from a second process stops the running turn, releases the lease, exits 3; resume reaches ready', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(20, 'sleep 2 && node --test') });
    repo.writeConfig(builtinConfig(server.url));
    const run = spawnOmk(['goal', 'run', GOAL, '--json'], repo.root, repo.env);
    expect(await until(agentSleeping(repo), 30_000)).toBe(true);

    const second = await runOmkChild(['goal', 'resume', 'latest'], repo.root, repo.env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already being run by a live controller');

    const pause = await runOmkChild(['goal', 'pause', 'latest', '--reason', 'lunch'], repo.root, repo.env);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain('pause requested');
    const done = await run.done;
    expect(done.code, done.stderr).toBe(3);
    expect((JSON.parse(done.stdout) as { status: string }).status).toBe('paused');
    expect(processesUnder(path.dirname(repo.root))).toEqual([]);

    let facts = storeFacts(repo.root);
    expect(facts.goalStatus).toBe('paused');
    expect(facts.leases).toBe(0);
    expect(facts.controllers).toBe(0);
    expect(facts.tasks).toEqual([{ id: 'fix-add', status: 'queued' }]);
    expect(facts.types).toEqual(expect.arrayContaining(['goal.pause_requested', 'task.attempt_interrupted', 'goal.paused']));
    expect(facts.types).not.toContain('task.attempt_finished');
    expect(eventsText(repo.root)).toContain('"reason":"lunch"');

    const resumed = await runOmkChild(['goal', 'resume', 'latest', '--json'], repo.root, repo.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { status: string }).status).toBe('ready');
    facts = storeFacts(repo.root);
    expect(facts.completed.get('fix-add')).toBe(1);
    expect(facts.types.filter((t) => t === 'task.attempt_finished')).toHaveLength(1);
    expect((await runOmkChild(['goal', 'proof', 'latest', '--verify'], repo.root, repo.env)).code).toBe(0);
    expect((await runOmkChild(['events', 'verify', 'latest'], repo.root, repo.env)).code).toBe(0);
  });

  it('cancel mid-turn kills the agent process, records cancelled, exits 130; resume refuses it', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(20, 'sleep 30') });
    repo.writeConfig(builtinConfig(server.url));
    const run = spawnOmk(['goal', 'run', GOAL, '--json'], repo.root, repo.env);
    expect(await until(agentSleeping(repo), 30_000)).toBe(true);
    const sleeping = processesUnder(path.dirname(repo.root)).filter((p) => /\bsleep\b/.test(p.cmd));

    const cancel = await runOmkChild(['goal', 'cancel', 'latest', '--reason', 'wrong goal'], repo.root, repo.env);
    expect(cancel.code, cancel.stderr).toBe(0);
    const done = await run.done;
    expect(done.code, done.stderr).toBe(130);
    expect((JSON.parse(done.stdout) as { status: string }).status).toBe('cancelled');
    for (const p of sleeping) expect(isRunning(p.pid), `agent process ${p.pid} (${p.cmd})`).toBe(false);
    expect(processesUnder(path.dirname(repo.root))).toEqual([]);

    const facts = storeFacts(repo.root);
    expect(facts.goalStatus).toBe('cancelled');
    expect(facts.leases).toBe(0);
    expect(facts.controllers).toBe(0);
    expect(facts.tasks).toEqual([{ id: 'fix-add', status: 'cancelled' }]);
    expect(facts.types).toEqual(expect.arrayContaining(['goal.cancel_requested', 'task.attempt_interrupted', 'goal.cancelled']));
    expect(facts.completed.size).toBe(0);

    const resume = await runOmkChild(['goal', 'resume', 'latest'], repo.root, repo.env);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('was cancelled');
    expect((await runOmkChild(['goal', 'pause', 'latest'], repo.root, repo.env)).code).toBe(1);
    expect((await runOmkChild(['events', 'verify', 'latest'], repo.root, repo.env)).code).toBe(0);
  });

  it('with no controller running, pause and cancel just record the state', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: { name: 'plan', steps: [{ ...planStep(), repeat: 'forever' }] } });
    repo.writeConfig(builtinConfig(server.url));
    expect((await runOmkChild(['goal', 'plan', GOAL], repo.root, repo.env)).code).toBe(0);
    const pause = await runOmkChild(['goal', 'pause', 'latest', '--json'], repo.root, repo.env);
    expect(pause.code, pause.stderr).toBe(0);
    expect(JSON.parse(pause.stdout)).toMatchObject({ request: 'pause', status: 'paused', controller: null });
    expect(storeFacts(repo.root).goalStatus).toBe('paused');
    const cancel = await runOmkChild(['goal', 'cancel', 'latest', '--json'], repo.root, repo.env);
    expect(cancel.code, cancel.stderr).toBe(0);
    const facts = storeFacts(repo.root);
    expect(facts.goalStatus).toBe('cancelled');
    expect(facts.tasks.every((t) => t.status === 'cancelled')).toBe(true);
    expect(facts.types.slice(-3)).toEqual(['goal.cancel_requested', 'goal.status_changed', 'goal.cancelled']);
    expect(facts.types).toEqual(expect.arrayContaining(['goal.pause_requested', 'goal.paused', 'goal.cancel_requested', 'goal.cancelled']));
  });
});
