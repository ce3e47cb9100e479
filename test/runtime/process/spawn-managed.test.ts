import { once } from 'node:events';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnManaged } from '../../../src/runtime/process/index.js';
import type { ManagedProcess } from '../../../src/runtime/process/index.js';
import { childEnv, fixture, isGone, pidAfter, reap, tempDir, waitFor } from './helpers.js';

/** Reads stdout until `text` appears; returns everything read so far. */
async function readUntil(proc: ManagedProcess, text: string): Promise<string> {
  let seen = '';
  proc.stdout.setEncoding('utf8');
  for await (const chunk of proc.stdout) {
    seen += String(chunk);
    if (seen.includes(text)) return seen;
  }
  return seen;
}

describe('spawnManaged', () => {
  const tmp = tempDir();
  const leftovers: number[] = [];
  afterEach(() => leftovers.splice(0).forEach(reap));
  afterAll(() => tmp.cleanup());

  const start = (script: string, ...args: string[]): ManagedProcess => {
    const proc = spawnManaged({ command: 'sh', args: [fixture(script), ...args], env: childEnv, graceMs: 300 });
    expect(proc.pid).toBeTypeOf('number');
    leftovers.push(proc.pid!);
    return proc;
  };

  it('keeps stdin open for a conversation and settles on exit', async () => {
    const proc = start('echo-stdin.sh');
    proc.stdin.write('{"ping":1}\n');
    expect(await readUntil(proc, '\n')).toBe('{"ping":1}\n');
    proc.stdin.end();
    proc.stdout.resume();
    const result = await proc.result;
    expect(result).toMatchObject({ exitCode: 0, canceled: false, stdout: '', stdoutBytes: 0 });
    // stop() after exit returns the same record and changes nothing.
    expect(await proc.stop('late')).toBe(result);
  });

  it('stops a running child and its grandchild', async () => {
    const proc = start('spawns-grandchild.sh', path.join(tmp.dir, 'managed.pid'));
    const grandchild = pidAfter('grandchild', await readUntil(proc, 'ready'));
    leftovers.push(grandchild!);
    const result = await proc.stop('agent done');
    expect(result).toMatchObject({ canceled: true, cancelReason: 'agent done', signal: 'SIGTERM' });
    expect(isGone(proc.pid!)).toBe(true);
    expect(await waitFor(() => isGone(grandchild!))).toBe(true);
  });

  it('stops right after spawn, before the child has done anything', async () => {
    const proc = start('sleeps-forever.sh');
    const result = await proc.stop();
    expect(result).toMatchObject({ canceled: true, cancelReason: 'stopped' });
    expect(await waitFor(() => isGone(proc.pid!))).toBe(true);
  });

  it('is idempotent: two stops share one result and one termination', async () => {
    const proc = start('ignores-sigterm.sh');
    await readUntil(proc, 'ready');
    const [first, second] = await Promise.all([proc.stop('one'), proc.stop('two')]);
    expect(second).toBe(first);
    expect(await proc.result).toBe(first);
    expect(first).toMatchObject({ cancelReason: 'one', signal: 'SIGKILL' });
    expect(await proc.stop('three')).toBe(first);
    expect(isGone(proc.pid!)).toBe(true);
  });

  it('lets the child exit on EOF when stdin is closed', async () => {
    const proc = start('echo-stdin.sh');
    proc.stdout.resume();
    proc.stdin.end();
    await once(proc.stdout, 'end');
    expect((await proc.result).exitCode).toBe(0);
  });

  it('survives writes after the child is gone', async () => {
    const proc = start('sleeps-forever.sh');
    await proc.stop();
    proc.stdin.write('too late\n');
    expect((await proc.result).canceled).toBe(true);
  });

  it('reports a missing binary through result, with closed streams', async () => {
    const proc = spawnManaged({ command: 'omk-no-such-agent-xyz', env: childEnv });
    expect(proc.pid).toBeUndefined();
    const result = await proc.stop('never started');
    expect(result.spawnError?.code).toBe('ENOENT');
    expect(await proc.result).toBe(result);
  });

  it('does not spawn when already aborted', async () => {
    const controller = new AbortController();
    controller.abort('no');
    const proc = spawnManaged({ command: 'sh', args: [fixture('sleeps-forever.sh')], signal: controller.signal });
    expect(proc.pid).toBeUndefined();
    const chunks: unknown[] = [];
    for await (const chunk of proc.stdout) chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(await proc.stop()).toMatchObject({ canceled: true, cancelReason: 'no' });
  });
});
