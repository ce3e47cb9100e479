import { afterEach, describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/runtime/process/index.js';
import { childEnv, fixture } from './helpers.js';

describe('runProcess', () => {
  const saved = process.env.OMK_TEST_SECRET;
  afterEach(() => {
    if (saved === undefined) delete process.env.OMK_TEST_SECRET;
    else process.env.OMK_TEST_SECRET = saved;
  });

  it('propagates the exit code and captures both streams', async () => {
    const result = await runProcess({ command: 'sh', args: [fixture('exit-with.sh'), '7'], env: childEnv });
    expect(result).toMatchObject({
      exitCode: 7,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
      stdoutBytes: 4,
      stderrBytes: 4,
      stdoutTruncated: false,
      timedOut: false,
      canceled: false,
    });
    expect(result.pid).toBeTypeOf('number');
    expect(result.spawnError).toBeUndefined();
  });

  it('runs a shell string only in shell mode, with args as $1..', async () => {
    const result = await runProcess({
      command: 'echo "$1-$2" | tr a-z A-Z; exit 3',
      args: ['ab', 'cd'],
      shell: true,
      env: childEnv,
    });
    expect(result.stdout).toBe('AB-CD\n');
    expect(result.exitCode).toBe(3);
    expect(result.command).toBe('echo "$1-$2" | tr a-z A-Z; exit 3');

    // Without shell: true the same string is a (missing) executable name, not a pipeline.
    const literal = await runProcess({ command: 'echo hi | cat', env: childEnv });
    expect(literal.spawnError?.code).toBe('ENOENT');
  });

  it('delivers input on stdin and closes it', async () => {
    const input = 'line one\nline two\n';
    const result = await runProcess({ command: 'sh', args: [fixture('echo-stdin.sh')], input, env: childEnv });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(input);
  });

  it('closes stdin at once when there is no input', async () => {
    const result = await runProcess({ command: 'cat', env: childEnv, timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: '', timedOut: false });
  });

  it('survives a child that exits without reading its input', async () => {
    const input = Buffer.alloc(4 * 1024 * 1024, 'y');
    const result = await runProcess({ command: 'true', input, env: childEnv });
    expect(result.exitCode).toBe(0);
  });

  it('gives the child exactly the environment passed', async () => {
    process.env.OMK_TEST_SECRET = 'leak-me';
    const result = await runProcess({ command: 'env', env: { PATH: childEnv.PATH, ONLY_ME: '1', DROPPED: undefined } });
    const names = result.stdout.trim().split('\n').map((line) => line.split('=')[0]).sort();
    expect(names).toEqual(['ONLY_ME', 'PATH']);
  });

  it('defaults to an allowlisted environment, not process.env', async () => {
    process.env.OMK_TEST_SECRET = 'leak-me';
    const result = await runProcess({ command: 'env' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('OMK_TEST_SECRET');
    expect(result.stdout).toContain('PATH=');
  });

  it('reports a missing binary as a value, not a throw', async () => {
    const result = await runProcess({ command: 'omk-no-such-binary-xyz', args: ['a'], env: childEnv });
    expect(result.spawnError?.code).toBe('ENOENT');
    expect(result).toMatchObject({ pid: undefined, exitCode: null, args: ['a'], canceled: false });
  });

  it('reports a missing cwd as a value', async () => {
    const result = await runProcess({ command: 'true', cwd: '/nonexistent/omk-dir', env: childEnv });
    expect(result.spawnError?.code).toBe('ENOENT');
    expect(result.cwd).toBe('/nonexistent/omk-dir');
  });

  it('reports invalid options and argv without throwing', async () => {
    const bad = await runProcess({ command: 'true', timeoutMs: -1 });
    expect(bad.spawnError?.code).toBe('EINVAL');
    const nul = await runProcess({ command: 'echo', args: ['a\0b'], env: childEnv });
    expect(nul.spawnError).toBeDefined();
    expect(nul.pid).toBeUndefined();
  });

  it('does not spawn when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort('gave up early');
    let spoke = false;
    const result = await runProcess({
      command: 'sh',
      args: ['-c', 'echo started'],
      env: childEnv,
      signal: controller.signal,
      onStdout: () => (spoke = true),
    });
    expect(result).toMatchObject({ pid: undefined, canceled: true, cancelReason: 'gave up early', exitCode: null });
    expect(spoke).toBe(false);
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const chunks: string[] = [];
    const result = await runProcess({
      command: process.execPath,
      args: [fixture('multibyte.mjs')],
      env: childEnv,
      onStdout: (chunk) => chunks.push(chunk),
    });
    const expected = 'héllo wörld 日本語 🎉\n';
    expect(result.stdout).toBe(expected);
    expect(chunks.join('')).toBe(expected);
    expect(chunks.some((chunk) => chunk.includes('\uFFFD'))).toBe(false);
    expect(result.stdoutBytes).toBe(Buffer.byteLength(expected));
  });

  it('records a throwing callback, keeps capturing, and still finishes', async () => {
    const result = await runProcess({
      command: 'sh',
      args: ['-c', 'echo one; echo two >&2; echo three'],
      env: childEnv,
      onStdout: () => {
        throw new Error('listener bug');
      },
      onStderr: () => {
        throw new Error('second bug');
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.callbackError).toMatch(/bug/);
    expect(result.stdout).toBe('one\nthree\n');
    expect(result.stderr).toBe('two\n');
  });
});
