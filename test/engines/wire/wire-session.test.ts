import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent, TokenUsage } from '../../../src/engines/session.js';
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

const U = (input_other: number, output: number, input_cache_read = 0, input_cache_creation = 0) => ({ input_other, output, input_cache_read, input_cache_creation });
const sum = (...us: Array<ReturnType<typeof U>>): Omit<TokenUsage, 'exact'> => ({
  input: us.reduce((a, u) => a + u.input_other, 0),
  output: us.reduce((a, u) => a + u.output, 0),
  cacheRead: us.reduce((a, u) => a + u.input_cache_read, 0),
  cacheWrite: us.reduce((a, u) => a + u.input_cache_creation, 0),
});

const A = U(100, 20, 50, 5);
const B = U(30, 7, 120);
const C = U(11, 3);
const D = U(13, 4, 2, 1);
const E = U(17, 5);

const SCENARIO = {
  prompts: [
    { match: '^edit', steps: [{ usage: A }, { say: 'I will write hello.txt.' }, { edit: { path: 'hello.txt', content: 'hello from wire\n' } }, { usage: B }, { say: 'Written.' }] },
    { match: '^run', steps: [{ usage: C }, { run: { command: 'echo ran > ran.txt' } }, { usage: D }, { say: 'It ran.' }] },
    { match: '^delete', steps: [{ usage: E }, { run: { command: 'rm hello.txt' } }, { say: 'deleted (never said)' }] },
    { match: '^wait', steps: [{ say: 'working' }, { sleep_ms: 20_000 }, { say: 'never' }] },
  ],
};

describe('Wire session against the fake agent', () => {
  it('edits, runs, is denied, is cancelled, reports exact usage and leaves no process after close', async () => {
    const r = repo();
    const approver = recordingApprover();
    const outOfTurn: AgentEvent[] = [];
    const session = await start(r, { scenario: SCENARIO, approve: approver.approve, onOutOfTurnEvent: (e) => outOfTurn.push(e) });
    expect(session.info).toMatchObject({ protocol: 'wire', engine: 'kimi', agentName: 'Kimi Code CLI', protocolVersion: '1.10' });
    expect(session.id).toBe('test-session');
    const pid = session.pid!;
    expect(processGone(pid)).toBe(false);

    // 1. An edit: the file really changes in the repo.
    const edit = await drain(session.prompt('edit please'));
    expect(edit.result.stopReason).toBe('end_turn');
    expect(r.read('hello.txt')).toBe('hello from wire\n');
    expect(texts(edit.events)).toBe('I will write hello.txt.Written.');
    const editStart = edit.events.find((e) => e.type === 'tool_call_started');
    expect(editStart).toMatchObject({ kind: 'edit', status: 'pending' });
    const editDone = edit.events.find((e) => e.type === 'tool_call_completed');
    expect(editDone).toMatchObject({ status: 'completed', paths: [path.join(r.dir, 'hello.txt')], diffs: [{ path: path.join(r.dir, 'hello.txt'), newText: 'hello from wire\n' }] });
    expect(approver.seen[0]).toMatchObject({ kind: 'edit', tool: 'WriteFile', paths: [path.join(r.dir, 'hello.txt')] });
    expect(edit.result.usage).toEqual({ ...sum(A, B), exact: true });

    // 2. A command: really executed.
    const run = await drain(session.prompt('run it'));
    expect(run.result.stopReason).toBe('end_turn');
    expect(r.read('ran.txt')).toBe('ran\n');
    expect(approver.seen[1]).toMatchObject({ kind: 'execute', command: 'echo ran > ran.txt', tool: 'Shell', cwd: r.dir });
    expect(run.events.find((e) => e.type === 'tool_call_completed')).toMatchObject({ kind: 'execute', status: 'completed', command: 'echo ran > ran.txt' });

    // 3. A forbidden command: denied by the callback, never runs, the file is untouched.
    const denied = await drain(session.prompt('delete hello.txt'));
    expect(denied.result.stopReason).toBe('end_turn');
    expect(r.read('hello.txt')).toBe('hello from wire\n');
    expect(denied.events).toContainEqual(expect.objectContaining({ type: 'approval_resolved', outcome: 'denied', rule: 'test:no-rm', reason: 'rm is forbidden here' }));
    expect(denied.events.find((e) => e.type === 'tool_call_completed')).toMatchObject({ status: 'failed', command: 'rm hello.txt' });
    expect(texts(denied.events)).not.toContain('never said');

    // Exact usage so far: the sum of every step's token_usage.
    expect(session.usage()).toMatchObject({ ...sum(A, B, C, D, E), exact: true, costUsd: 0 });
    expect(session.usage().contextSize).toBe(100000);

    // 4. Cancelled mid-turn, once the agent is visibly working.
    const turn = session.prompt('wait for it');
    const seen: AgentEvent[] = [];
    for await (const event of turn) {
      seen.push(event);
      if (event.type === 'text_delta' && texts(seen).includes('working')) void session.cancel();
    }
    const cancelled = await turn.result;
    expect(cancelled.stopReason).toBe('cancelled');
    expect(texts(seen)).not.toContain('never');
    // The interrupted step never reported usage: the turn's usage is not exact.
    expect(cancelled.usage.exact).toBe(false);
    expect(session.state).toBe('idle');

    await session.close();
    expect(session.state).toBe('closed');
    expect(processGone(pid)).toBe(true);
    expect(groupGone(pid)).toBe(true);
    expect(outOfTurn.filter((e) => e.type !== 'raw')).toEqual([]);
  });

  it('maps prompt errors to TurnError (provider 429 retryable, auth expired), and max steps', async () => {
    const r = repo();
    const session = await start(r, {
      maxStepsPerTurn: 1,
      scenario: {
        prompts: [
          { match: '^rate', steps: [{ say: 'x' }, { error: { code: -32003, message: 'Error code: 429 - rate limited' } }] },
          { match: '^auth', steps: [{ error: { code: -32004, message: 'OAuth token expired' } }] },
          { match: '^unset', steps: [{ error: { code: -32001, message: 'LLM not set' } }] },
          { match: '^loop', steps: [{ run: { command: 'true' } }, { say: 'second step' }] },
        ],
      },
    });
    const rate = await drain(session.prompt('rate'));
    expect(rate.result).toMatchObject({ stopReason: 'error', error: { code: 'provider_error', retryable: true, protocolCode: -32003 } });
    const auth = await drain(session.prompt('auth'));
    expect(auth.result).toMatchObject({ stopReason: 'error', error: { code: 'auth_required', protocolCode: -32004 } });
    const unset = await drain(session.prompt('unset'));
    expect(unset.result).toMatchObject({ stopReason: 'error', error: { code: 'llm_not_set', message: 'LLM not set' } });
    const loop = await drain(session.prompt('loop'));
    expect(loop.result.stopReason).toBe('max_steps');
    expect(texts(loop.events)).not.toContain('second step');
  });

  it('gives busy for a second prompt, closed after close, and steers and toggles plan mode', async () => {
    const r = repo();
    const session = await start(r, { scenario: { prompts: [{ steps: [{ say: 'a' }, { sleep_ms: 200 }, { say: 'b' }] }] } });
    const first = session.prompt('one');
    const second = await session.prompt('two').result;
    expect(second).toMatchObject({ stopReason: 'error', error: { code: 'busy' } });
    const steered = await session.steer('also do this');
    expect(steered).toEqual({ ok: true });
    const done = await drain(first);
    expect(done.result.stopReason).toBe('end_turn');
    expect(done.events).toContainEqual(expect.objectContaining({ type: 'raw', message: expect.objectContaining({ params: expect.objectContaining({ type: 'SteerInput' }) }) }));

    expect(await session.steer('nothing running')).toMatchObject({ ok: false, error: { code: 'no_turn' } });
    const modes: AgentEvent[] = [];
    const plan = await start(r, { onOutOfTurnEvent: (e) => modes.push(e) });
    expect(await plan.setPlanMode(true)).toEqual({ ok: true, planMode: true });
    expect(plan.planMode).toBe(true);
    expect(modes.filter((e) => e.type === 'mode_changed')).toEqual([{ type: 'mode_changed', mode: 'plan' }]);

    await session.close();
    expect(await session.prompt('after').result).toMatchObject({ stopReason: 'error', error: { code: 'closed' } });
    await session.close(); // idempotent
  });

  it('sends out-of-turn approvals to the callback and out-of-turn events to onOutOfTurnEvent', async () => {
    const r = repo();
    const approver = recordingApprover();
    const outOfTurn: AgentEvent[] = [];
    let echoed!: (e: AgentEvent) => void;
    const echo = new Promise<AgentEvent>((resolve) => (echoed = resolve));
    const session = await start(r, {
      quirks: 'background_approval,notification',
      approve: approver.approve,
      onOutOfTurnEvent: (e) => {
        outOfTurn.push(e);
        if (isApprovalEcho(e)) echoed(e);
      },
    });
    // The agent echoes what we answered (`ApprovalResponse`), so once it arrives our answer was read.
    expect(await echo).toMatchObject({ message: { params: { payload: { response: 'approve', feedback: '' } } } });
    expect(approver.seen).toEqual([expect.objectContaining({ kind: 'execute', command: 'echo background', tool: 'Shell', toolCallId: 'bg-tc-1' })]);
    expect(outOfTurn).toContainEqual(expect.objectContaining({ type: 'notice', level: 'info', text: 'Fake notification: Sent outside any turn.' }));
    expect(outOfTurn).toContainEqual(expect.objectContaining({ type: 'approval_resolved', outcome: 'allowed' }));
    await session.close();
  });
});

function isApprovalEcho(e: AgentEvent): boolean {
  return e.type === 'raw' && (e.message as { params?: { type?: string } }).params?.type === 'ApprovalResponse';
}
