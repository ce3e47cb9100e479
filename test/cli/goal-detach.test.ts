import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { BUILT, isRunning, processesUnder, runOmkChild, statelessFixScenario, storeFacts, until } from '../runtime/goal/cli-child.js';
import { builtinConfig, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
const GOAL = 'fix the failing test in math.js';

interface Detached {
  goal_id: string;
  detached: boolean;
  pid: number;
  log: string;
  goal_dir: string;
}

describe.skipIf(!BUILT)('omk goal run --detach (real CLI children; needs npm run build)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  it('returns at once with the goal id; the background controller reaches ready and its proof verifies', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(20, 'sleep 1 && node --test') });
    repo.writeConfig(builtinConfig(server.url));
    const started = Date.now();
    const run = await runOmkChild(['goal', 'run', GOAL, '--detach', '--json'], repo.root, repo.env);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Detached;
    expect(doc.goal_id).toMatch(/^g-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(doc.detached).toBe(true);
    expect(doc.log).toBe(path.join(repo.root, '.omk', 'goals', doc.goal_id, 'controller.log'));
    expect(existsSync(doc.log)).toBe(true);
    // The parent returned while the controller was still working (the agent sleeps, then tests).
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(isRunning(doc.pid)).toBe(true);

    const watch = await runOmkChild(['goal', 'watch', doc.goal_id, '--interval', '50'], repo.root, repo.env);
    expect(watch.code, `${watch.stdout}\n${watch.stderr}\n${readFileSync(doc.log, 'utf8')}`).toBe(0);
    const status = await runOmkChild(['goal', 'status', doc.goal_id, '--json'], repo.root, repo.env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('"ready"');
    expect((await runOmkChild(['goal', 'proof', doc.goal_id, '--verify'], repo.root, repo.env)).code).toBe(0);

    expect(await until(() => !isRunning(doc.pid), 10_000)).toBe(true);
    expect(storeFacts(repo.root).controllers).toBe(0);
    const log = readFileSync(doc.log, 'utf8');
    expect(log).toContain(`"goal_id": "${doc.goal_id}"`);
    expect(log).toContain('"status": "ready"');
    expect(processesUnder(path.dirname(repo.root))).toEqual([]);
  });

  it('a detached controller can be paused from another process and resumed to ready', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(20, 'sleep 2 && node --test') });
    repo.writeConfig(builtinConfig(server.url));
    const run = await runOmkChild(['goal', 'run', GOAL, '--detach', '--json'], repo.root, repo.env);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Detached;
    expect(await until(() => processesUnder(path.dirname(repo.root)).some((p) => /\bsleep\b/.test(p.cmd)), 30_000)).toBe(true);

    const pause = await runOmkChild(['goal', 'pause', doc.goal_id], repo.root, repo.env);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain('pause requested');
    expect(await until(() => !isRunning(doc.pid), 15_000)).toBe(true);
    expect(storeFacts(repo.root).goalStatus).toBe('paused');

    const resumed = await runOmkChild(['goal', 'resume', doc.goal_id, '--json'], repo.root, repo.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { status: string }).status).toBe('ready');
  });

  it('reports the controller failing before the goal exists (an unknown gate) and exits 1', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    const run = await runOmkChild(['goal', 'run', GOAL, '--detach', '--gates', 'no-such-gate'], repo.root, repo.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no-such-gate');
  });
});
