import { afterEach, describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import { startAcpSession } from '../../../src/engines/acp/index.js';
import type { AgentEvent, AgentSession } from '../../../src/engines/session.js';
import { collect, livePidsIn, processAndGroupGone, recordingApprover, startFake, tempRepo, waitForEvent } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

/** The error a start rejects with. */
async function startError(p: Promise<AgentSession>): Promise<OmkError> {
  try {
    sessions.push(await p);
  } catch (error) {
    expect(error).toBeInstanceOf(OmkError);
    return error as OmkError;
  }
  throw new Error('expected the start to fail');
}

describe('ACP adapter: every fault ends in a clear error, not a hang', () => {
  it('a missing binary is binary_missing, naming the engine and how to install it', async () => {
    const error = await startError(
      startAcpSession({ engine: 'kimi', cwd: tempRepo(), command: 'kimi-not-installed-xyz', args: ['acp'], approve: recordingApprover().approve, installHint: 'npm i -g @moonshot-ai/kimi-code' }),
    );
    expect(error.code).toBe('binary_missing');
    expect(error.message).toContain('`kimi`');
    expect(error.message).toContain('kimi-not-installed-xyz');
    expect(error.hint).toContain('npm i -g @moonshot-ai/kimi-code');
  });

  it('an agent that hangs during the handshake hits the handshake timeout, and is stopped', async () => {
    const cwd = tempRepo();
    const error = await startError(startFake(cwd, { fault: 'hang', handshakeTimeoutMs: 800 }));
    expect(error.code).toBe('failed');
    expect(error.message).toMatch(/fake-acp.*handshake.*fake-acp-agent\.mjs.*no answer within 800 ms/s);
    expect(error.retryable).toBe(true);
    expect(livePidsIn(cwd)).toEqual([]);
  });

  it('an agent that exits during initialize fails the start with its stderr', async () => {
    const cwd = tempRepo();
    const error = await startError(startFake(cwd, { fault: 'exit_on_initialize' }));
    expect(livePidsIn(cwd)).toEqual([]);
    expect(error.code).toBe('failed');
    expect(error.message).toContain('exit code 1');
    expect(error.message).toContain('exit_on_initialize');
  });

  it('an agent that writes garbage during the handshake fails the start', async () => {
    const cwd = tempRepo();
    const error = await startError(
      startAcpSession({
        engine: 'garbage',
        cwd,
        command: process.execPath,
        args: ['-e', 'process.stdout.write("this is not json\\n"); setInterval(() => {}, 1000)'],
        approve: recordingApprover().approve,
        handshakeTimeoutMs: 10_000,
        graceMs: 200,
      }),
    );
    expect(error.code).toBe('failed');
    expect(error.message).toContain('not JSON: this is not json');
  });

  it('an agent that needs a login is `blocked`', async () => {
    const error = await startError(startFake(tempRepo(), { quirks: 'auth_required' }));
    expect(error.code).toBe('blocked');
    expect(error.message).toContain('authentication');
  });

  it('a crash mid-turn is a `crashed` result with the stderr tail; the session then reports it', async () => {
    const cwd = tempRepo();
    // Messages 1-3 are the handshake (initialize, session/new, available_commands_update); 4-5 are mid-turn.
    const session = await startFake(cwd, { fault: 'crash_after:5' });
    sessions.push(session);
    const pid = session.pid!;
    const { result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('crashed');
    expect(result.error?.code).toBe('crashed');
    expect(result.error?.message).toContain('exit code 1');
    expect(result.error?.message).toContain('fault crash_after:5');
    expect(session.state).toBe('closed');
    expect(await session.prompt('after the crash').result).toMatchObject({ stopReason: 'crashed' });
    await session.close();
    expect(processAndGroupGone(pid)).toBe(true);
  });

  it('a garbage line mid-turn is kept as a notice and raw event; the turn goes on', async () => {
    const session = await startFake(tempRepo(), { fault: 'garbage_line' });
    sessions.push(session);
    const { events, result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    expect(events.some((e) => e.type === 'notice' && e.text.includes('not JSON'))).toBe(true);
    expect(events.find((e) => e.type === 'raw' && JSON.stringify(e.message).includes('garbage_line fault'))).toBeDefined();
  });

  it('an agent that ignores SIGTERM and stdin EOF is still ended by close', async () => {
    const session = await startFake(tempRepo(), { fault: 'ignore_sigterm', quirks: 'ignore_stdin_eof', graceMs: 300 });
    const pid = session.pid!;
    const { result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    await session.close();
    expect(processAndGroupGone(pid)).toBe(true);
  });

  it('an agent deaf to session/cancel: the turn still settles `cancelled` after cancelTimeoutMs', async () => {
    const session = await startFake(tempRepo(), { fault: 'hang_in_prompt', cancelTimeoutMs: 300 });
    sessions.push(session);
    const turn = session.prompt('go');
    await waitForEvent(turn, (e) => e.type === 'text_delta');
    await session.cancel();
    const events: AgentEvent[] = [];
    for await (const e of turn) events.push(e);
    expect((await turn.result).stopReason).toBe('cancelled');
    expect(events.some((e) => e.type === 'notice' && e.text.includes('did not confirm the cancel'))).toBe(true);
  });

  it('close works from every state: idle, twice, after a failed start', async () => {
    const idle = await startFake(tempRepo());
    const pid = idle.pid!;
    await Promise.all([idle.close(), idle.close()]);
    expect(processAndGroupGone(pid)).toBe(true);
    await idle.close();
  });

  it('an aborted start signal rejects with `interrupted` and stops the agent', async () => {
    const abort = new AbortController();
    abort.abort();
    const error = await startError(startFake(tempRepo(), { signal: abort.signal }));
    expect(error.code).toBe('interrupted');
  });
});
