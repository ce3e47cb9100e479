import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import type { AgentEvent } from '../../../src/engines/session.js';
import { startWireSession } from '../../../src/engines/wire/index.js';
import type { WireSession } from '../../../src/engines/wire/index.js';
import { drain, groupGone, processGone, recordingApprover, startFake, tempRepo, texts } from './helpers.js';
import type { Repo } from './helpers.js';

const repos: Repo[] = [];
const sessions: WireSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const r of repos.splice(0)) r.cleanup();
});

function repo(): Repo {
  const r = tempRepo();
  repos.push(r);
  return r;
}

async function start(r: Repo, opts: Parameters<typeof startFake>[1] = {}): Promise<WireSession> {
  const s = await startFake(r, opts);
  sessions.push(s);
  return s;
}

async function startError(promise: Promise<unknown>): Promise<OmkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OmkError);
  return error as OmkError;
}

/** The fake's pid, from the first line of its message log. */
function fakePid(log: string): number {
  return (JSON.parse(readFileSync(log, 'utf8').split('\n')[0]!) as { pid: number }).pid;
}

const SAY = { prompts: [{ steps: [{ say: 'hello there' }] }] };

describe('Wire session: faults end in a clear error or result', () => {
  it('missing binary → binary_missing naming the engine and how to install it', async () => {
    const r = repo();
    const error = await startError(
      startWireSession({ engine: 'kimi', cwd: r.dir, approve: recordingApprover().approve, command: 'kimi-definitely-not-installed', sourceEnv: { PATH: '/nonexistent' } }),
    );
    expect(error.code).toBe('binary_missing');
    expect(error.message).toContain('engine `kimi`');
    expect(error.message).toContain('kimi-definitely-not-installed');
    expect(error.hint).toMatch(/kimi-cli/);
  });

  it('a missing work dir → not_found', async () => {
    const r = repo();
    const error = await startError(startWireSession({ engine: 'kimi', cwd: `${r.dir}/nope`, approve: recordingApprover().approve, command: process.execPath }));
    expect(error.code).toBe('not_found');
  });

  it('agent exits during initialize → failed with its stderr, process gone', async () => {
    const r = repo();
    const log = `${r.aux}/fake.log`;
    const error = await startError(startFake(r, { fault: 'exit_on_initialize', env: { FAKE_AGENT_LOG: log } }));
    expect(processGone(fakePid(log))).toBe(true);
    expect(error.code).toBe('failed');
    expect(error.message).toContain('exited with code 1');
    expect(error.message).toContain('exit_on_initialize');
  });

  it('agent that never answers initialize → failed after handshakeTimeoutMs, retryable, process gone', async () => {
    const r = repo();
    const log = `${r.aux}/fake.log`;
    const error = await startError(startFake(r, { fault: 'slow_start:20000', handshakeTimeoutMs: 300, env: { FAKE_AGENT_LOG: log } }));
    expect(processGone(fakePid(log))).toBe(true);
    expect(groupGone(fakePid(log))).toBe(true);
    expect(error.code).toBe('failed');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('no answer to `initialize` within 300 ms');
  });

  it('legacy CLI answering initialize with -32601 → legacy mode, prompts still work', async () => {
    const r = repo();
    const session = await start(r, { quirks: 'no_initialize', scenario: SAY });
    expect(session.info.protocolVersion).toBe('1.0');
    expect(session.info.capabilities).toEqual({ legacy: true });
    const { result, events } = await drain(session.prompt('hi'));
    expect(result.stopReason).toBe('end_turn');
    expect(texts(events)).toBe('hello there');
  });

  it('crash mid-turn → crashed with the stderr tail; the session is closed', async () => {
    const r = repo();
    const outOfTurn: AgentEvent[] = [];
    const session = await start(r, { fault: 'crash_after:4', scenario: SAY, onOutOfTurnEvent: (e) => outOfTurn.push(e) });
    const pid = session.pid!;
    const { result } = await drain(session.prompt('hi'));
    expect(result.stopReason).toBe('crashed');
    expect(result.error?.code).toBe('crashed');
    expect(result.error?.message).toContain('crash_after:4');
    expect(session.state).toBe('closed');
    expect(await session.prompt('again').result).toMatchObject({ stopReason: 'crashed' });
    await session.close();
    expect(processGone(pid)).toBe(true);
  });

  it('garbage line mid-turn → a notice and a raw event, the turn finishes', async () => {
    const r = repo();
    const session = await start(r, { fault: 'garbage_line', scenario: SAY });
    const { result, events } = await drain(session.prompt('hi'));
    expect(result.stopReason).toBe('end_turn');
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn' }));
    expect(events).toContainEqual({ type: 'raw', protocol: 'wire', message: { invalidLine: expect.stringContaining('garbage_line') } });
    expect(texts(events)).toBe('hello there');
  });

  it('hang (prompt never answered) → turnTimeoutMs ends the turn as timeout; cancel unanswered too', async () => {
    const r = repo();
    const session = await start(r, { fault: 'hang', scenario: SAY, turnTimeoutMs: 300, cancelTimeoutMs: 200 });
    const { result, events } = await drain(session.prompt('hi'));
    expect(result).toMatchObject({ stopReason: 'timeout', error: { code: 'timeout', retryable: true } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', text: expect.stringContaining('did not confirm the cancel') }));
  });

  it('hang in prompt, deaf to cancel → cancel() still ends the turn after cancelTimeoutMs', async () => {
    const r = repo();
    const session = await start(r, { fault: 'hang_in_prompt', scenario: SAY, cancelTimeoutMs: 200 });
    const turn = session.prompt('hi');
    for await (const event of turn) if (event.type === 'raw') break; // the agent began the turn
    await session.cancel();
    expect((await turn.result).stopReason).toBe('cancelled');
    expect(session.state).toBe('idle');
  });

  it('a cancelled turn without TurnEnd still ends on the prompt answer', async () => {
    const r = repo();
    const session = await start(r, { quirks: 'no_turn_end_on_cancel', scenario: { prompts: [{ steps: [{ say: 'go' }, { sleep_ms: 20_000 }] }] } });
    const ac = new AbortController();
    const turn = session.prompt('hi', { signal: ac.signal });
    for await (const event of turn) if (event.type === 'text_delta') ac.abort();
    expect((await turn.result).stopReason).toBe('cancelled');
  });

  it('tools the agent never completes → incomplete at turn end', async () => {
    const r = repo();
    const session = await start(r, { fault: 'never_complete_tools', approve: () => Promise.resolve({ allow: true }), scenario: { prompts: [{ steps: [{ run: { command: 'true' } }] }] } });
    const { result, events } = await drain(session.prompt('hi'));
    expect(result.stopReason).toBe('end_turn');
    expect(result.incompleteToolCalls).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'tool_call_completed', status: 'incomplete' });
  });

  it('ignores SIGTERM and stdin EOF → close() still kills the group (SIGKILL after grace)', async () => {
    const r = repo();
    const session = await start(r, { fault: 'ignore_sigterm', quirks: 'ignore_stdin_eof', graceMs: 200, scenario: SAY });
    const pid = session.pid!;
    await drain(session.prompt('hi'));
    await session.close();
    expect(processGone(pid)).toBe(true);
    expect(groupGone(pid)).toBe(true);
  });

  it('close mid-turn settles the turn as cancelled and stops the process', async () => {
    const r = repo();
    const session = await start(r, { scenario: { prompts: [{ steps: [{ say: 'go' }, { sleep_ms: 20_000 }] }] } });
    const pid = session.pid!;
    const turn = session.prompt('hi');
    for await (const event of turn) if (event.type === 'text_delta') break;
    await session.close();
    expect((await turn.result).stopReason).toBe('cancelled');
    expect(processGone(pid)).toBe(true);
  });

  it('a throwing approval callback counts as a denial', async () => {
    const r = repo();
    const session = await start(r, {
      approve: () => Promise.reject(new Error('policy exploded')),
      scenario: { prompts: [{ steps: [{ run: { command: 'echo x > x.txt' } }] }] },
    });
    const { result, events } = await drain(session.prompt('hi'));
    expect(result.stopReason).toBe('end_turn');
    expect(events).toContainEqual(expect.objectContaining({ type: 'approval_resolved', outcome: 'denied', reason: 'policy exploded' }));
    expect(() => r.read('x.txt')).toThrow();
  });

  it('a flood of events arrives whole and in order', async () => {
    const r = repo();
    const session = await start(r, { fault: 'flood:3000', scenario: SAY });
    const { result, events } = await drain(session.prompt('hi'));
    expect(result.stopReason).toBe('end_turn');
    const deltas = events.filter((e) => e.type === 'text_delta');
    expect(deltas).toHaveLength(3000 + 1);
    expect(deltas[2999]).toEqual({ type: 'text_delta', text: 'flood 2999 ' });
  });
});
