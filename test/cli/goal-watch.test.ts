import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { openStore, type SqliteStore } from '../../src/runtime/store/sqlite-store.js';
import { runOmk } from '../helpers/cli.js';
import { sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';

const GOAL = 'g-20250301-120000-0a1b';

/** Runs `omk goal watch` in-process, exposing its stdout as it grows. */
function startWatch(repo: SampleRepo, argv: string[]): { output: () => string; done: Promise<number> } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.resume();
  const done = runCli(['goal', 'watch', ...argv], '0.0.0-test', { cwd: repo.root, env: repo.env, stdout, stderr });
  return { output: () => out, done };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('omk goal watch', () => {
  let repo: SampleRepo;
  let store: SqliteStore;
  beforeEach(async () => {
    repo = sampleRepo();
    store = await openStore({ dbFile: path.join(repo.root, '.omk', 'omk.db'), goalsDir: path.join(repo.root, '.omk', 'goals') });
    await store.transaction(async (tx) => {
      await tx.createGoal({ id: GOAL, prompt: 'fix the failing test in math.js' });
      await tx.appendEvent(GOAL, 'goal.created', { goal_id: GOAL, prompt: 'fix the failing test in math.js' });
    });
  });
  afterEach(async () => {
    await store.close();
    repo.cleanup();
  });

  const status = (from: string, to: string) =>
    store.transaction(async (tx) => {
      await tx.appendEvent(GOAL, 'goal.status_changed', { from, to });
    });

  it('prints events in order as they are appended and returns with the verdict exit status', async () => {
    const watch = startWatch(repo, ['latest', '--interval', '20']);
    await until(() => watch.output().includes('goal created'));
    await status('created', 'planning');
    await until(() => watch.output().includes('status created -> planning'));
    await status('planning', 'running');
    await store.transaction(async (tx) => {
      await tx.appendEvent(GOAL, 'cost.recorded', { source: 'executor', tokens_in: 10, tokens_out: 5, usd: 0.001 });
    });
    // Recorded after the verdict: still shown before the watch returns.
    await store.transaction(async (tx) => {
      await tx.appendEvent(GOAL, 'goal.status_changed', { from: 'running', to: 'ready' });
      await tx.appendEvent(GOAL, 'decision.recorded', { topic: 'after', choice: 'shown', reason: 'written after the verdict' });
    });
    expect(await watch.done).toBe(0);
    const lines = watch.output().split('\n');
    expect(lines[0]).toBe(`watching goal ${GOAL} (Ctrl-C to stop)`);
    const events = lines.filter((l) => /^\s+\d+ {2}/.test(l));
    expect(events.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toContain('goal.created');
    expect(events[1]).toContain('status created -> planning');
    expect(events[2]).toContain('status planning -> running');
    expect(events[3]).toContain('cost executor: 10 in, 5 out');
    expect(events[4]).toContain('status running -> ready');
    expect(events[5]).toContain('decision [after]: shown');
    expect(lines).toContain(`goal ${GOAL}: ready`);
    // The same lines `goal replay` prints.
    const replay = await runOmk(['goal', 'replay', GOAL], { cwd: repo.root, env: repo.env });
    for (const l of events) expect(replay.stdout).toContain(l);
    // Not a terminal: no status line escape codes.
    expect(watch.output()).not.toContain('\x1b[2K');
  });

  it('--json prints one event object per line; a not_ready verdict exits 1; a goal already finished returns at once', async () => {
    const watch = startWatch(repo, [GOAL.slice(0, 14), '--json', '--interval', '20']);
    await until(() => watch.output().includes('goal.created'));
    await status('created', 'not_ready');
    expect(await watch.done).toBe(1);
    const objs = watch.output().trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; summary: string; hash: string });
    expect(objs.map((o) => [o.seq, o.type])).toEqual([[1, 'goal.created'], [2, 'goal.status_changed']]);
    expect(objs[1]?.summary).toBe('status created -> not_ready');

    const again = startWatch(repo, [GOAL, '--from', '2', '--json']);
    expect(await again.done).toBe(1);
    expect(again.output().trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2]);
  });

  it('a TTY gets a status line (phase, task, gate, cost) that is cleared before each event', async () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: true });
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const done = runCli(['goal', 'watch', GOAL, '--interval', '20'], '0.0.0-test', { cwd: repo.root, env: repo.env, stdout, stderr: new PassThrough() });
    await until(() => out.includes('status created'));
    await status('created', 'running');
    await store.transaction(async (tx) => {
      await tx.appendEvent(GOAL, 'task.started', { task_id: 'fix-add', attempt: 1, round: 1, owner: 'w', token: 1, branch: 'b', worktree: '/w', start_sha: 'abc' });
      await tx.appendEvent(GOAL, 'cost.recorded', { source: 'executor', tokens_in: 10, tokens_out: 5, usd: 0.25 });
    });
    await until(() => out.includes('task fix-add attempt 1') && out.includes('cost $0.2500'));
    await status('running', 'cancelled');
    expect(await done).toBe(130);
    expect(out).toContain('\r\x1b[2K');
    expect(out).toContain(`goal ${GOAL}: cancelled`);
  });

  it("a TTY's status line is cut to the terminal width, so clearing one row clears all of it", async () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 30 });
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const done = runCli(['goal', 'watch', GOAL, '--interval', '20'], '0.0.0-test', { cwd: repo.root, env: repo.env, stdout, stderr: new PassThrough() });
    await until(() => out.includes('status created'));
    await status('created', 'cancelled');
    expect(await done).toBe(130);
    // Each drawn status line: a piece between clears and newlines that starts like one.
    const drawn = out.replaceAll('\r\x1b[2K', '\n').split('\n').filter((l) => l.startsWith('status '));
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) {
      expect([...line].length, line).toBeLessThanOrEqual(29);
      expect(line.endsWith('…'), line).toBe(true);
    }
  });

  it('Ctrl-C (the signal) stops watching with 130; an unknown goal is a usage error', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const done = runCli(['goal', 'watch', GOAL, '--interval', '20'], '0.0.0-test', { cwd: repo.root, env: repo.env, stdout, stderr: new PassThrough() });
    await until(() => out.includes('goal created'));
    process.emit('SIGINT', 'SIGINT');
    expect(await done).toBe(130);
    expect(out).toContain('stopped watching');

    const unknown = await runOmk(['goal', 'watch', 'g-nope'], { cwd: repo.root, env: repo.env });
    expect(unknown.status).toBe(2);
  });
});
