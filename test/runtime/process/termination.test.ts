import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/runtime/process/index.js';
import { childEnv, fixture, isGone, pidAfter, reap, tempDir, waitFor } from './helpers.js';

describe('runProcess termination', () => {
  const tmp = tempDir();
  const leftovers: number[] = [];
  afterEach(() => leftovers.splice(0).forEach(reap));
  afterAll(() => tmp.cleanup());

  const pidFile = (name: string): string => path.join(tmp.dir, `${name}.pid`);
  const remember = (pid: number | undefined): number => {
    expect(pid).toBeTypeOf('number');
    leftovers.push(pid!);
    return pid!;
  };

  it('stops the whole tree on timeout', async () => {
    const file = pidFile('timeout');
    const result = await runProcess({
      command: 'sh',
      args: [fixture('spawns-grandchild.sh'), file],
      env: childEnv,
      timeoutMs: 1000,
      graceMs: 500,
    });
    expect(result).toMatchObject({ timedOut: true, canceled: false, exitCode: null, signal: 'SIGTERM' });
    const grandchild = remember(Number(readFileSync(file, 'utf8')));
    expect(pidAfter('grandchild', result.stdout)).toBe(grandchild);
    expect(await waitFor(() => isGone(grandchild))).toBe(true);
    expect(isGone(result.pid!)).toBe(true);
  });

  it('stops the whole tree on abort and records the reason', async () => {
    const controller = new AbortController();
    const result = await runProcess({
      command: 'sh',
      args: [fixture('spawns-grandchild.sh'), pidFile('abort')],
      env: childEnv,
      signal: controller.signal,
      graceMs: 500,
      onStdout: (chunk) => {
        if (chunk.includes('ready')) controller.abort('user pressed stop');
      },
    });
    expect(result).toMatchObject({ canceled: true, cancelReason: 'user pressed stop', timedOut: false });
    const grandchild = remember(pidAfter('grandchild', result.stdout));
    expect(await waitFor(() => isGone(grandchild))).toBe(true);
  });

  it('uses an Error abort reason message', async () => {
    const controller = new AbortController();
    const result = await runProcess({
      command: 'sh',
      args: [fixture('sleeps-forever.sh')],
      env: childEnv,
      signal: controller.signal,
      onStdout: () => controller.abort(new Error('lease-lost')),
    });
    expect(result).toMatchObject({ canceled: true, cancelReason: 'lease-lost' });
  });

  it('SIGKILLs a child that ignores SIGTERM after the grace period', async () => {
    const controller = new AbortController();
    const result = await runProcess({
      command: 'sh',
      args: [fixture('ignores-sigterm.sh')],
      env: childEnv,
      signal: controller.signal,
      graceMs: 200,
      onStdout: (chunk) => {
        if (chunk.includes('ready')) controller.abort('stop');
      },
    });
    expect(result).toMatchObject({ canceled: true, signal: 'SIGKILL', exitCode: null });
    expect(isGone(remember(result.pid))).toBe(true);
  });

  it('does not hang on a daemon that keeps stdout open, and stops it politely', async () => {
    const file = pidFile('daemon');
    const result = await runProcess({
      command: 'sh',
      args: [fixture('background-daemon.sh'), file],
      env: childEnv,
      // A long grace: the daemon must be stopped by the SIGTERM sent when the parent exits,
      // not by the SIGKILL backstop.
      graceMs: 20_000,
      timeoutMs: 30_000,
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, canceled: false });
    expect(result.stdout).toContain('parent exiting');
    const daemon = remember(pidAfter('daemon', result.stdout));
    expect(await waitFor(() => isGone(daemon))).toBe(true);
    expect(readFileSync(`${file}.term`, 'utf8')).toBe('term\n');
  });

  it('SIGKILLs a left-behind daemon that ignores SIGTERM', async () => {
    const result = await runProcess({
      command: 'sh',
      args: [fixture('background-daemon.sh'), pidFile('stubborn'), 'ignore-term'],
      env: childEnv,
      graceMs: 200,
      timeoutMs: 20_000,
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    const daemon = remember(pidAfter('daemon', result.stdout));
    expect(await waitFor(() => isGone(daemon))).toBe(true);
  });

  it('settles even when a process that left the group holds the pipes', async () => {
    // A setsid daemon is out of reach of group signals (a documented limit); the run must still end.
    const file = pidFile('escaped');
    const result = await runProcess({
      command: 'sh',
      args: [fixture('background-daemon.sh'), file, 'setsid'],
      env: childEnv,
      graceMs: 100,
      timeoutMs: 20_000,
    });
    remember(Number(readFileSync(file, 'utf8')));
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('cleans up the tree even when the output callback throws', async () => {
    const controller = new AbortController();
    const result = await runProcess({
      command: 'sh',
      args: [fixture('spawns-grandchild.sh'), pidFile('throws')],
      env: childEnv,
      signal: controller.signal,
      graceMs: 500,
      onStdout: () => {
        controller.abort('callback failed');
        throw new Error('listener exploded');
      },
    });
    expect(result).toMatchObject({ canceled: true, callbackError: 'listener exploded' });
    const grandchild = remember(pidAfter('grandchild', result.stdout));
    expect(await waitFor(() => isGone(grandchild))).toBe(true);
  });

  it('keeps the first cause when timeout and abort both happen', async () => {
    const controller = new AbortController();
    const result = await runProcess({
      command: 'sh',
      args: [fixture('ignores-sigterm.sh')],
      env: childEnv,
      signal: controller.signal,
      graceMs: 300,
      onStdout: () => {
        controller.abort('first');
        controller.abort('second');
      },
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ canceled: true, cancelReason: 'first', timedOut: false });
  });
});
