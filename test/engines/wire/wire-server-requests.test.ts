import { describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import type { AgentEvent, ApprovalRequest } from '../../../src/engines/session.js';
import { startWireSession } from '../../../src/engines/wire/index.js';
import type { WireSessionOptions } from '../../../src/engines/wire/index.js';
import { drain, processGone, recordingApprover, tempRepo } from './helpers.js';
import { INIT_RESULT, ScriptedPeer } from './scripted-peer.js';
import type { Json } from './scripted-peer.js';

function startOver(peer: ScriptedPeer, opts: Partial<WireSessionOptions> = {}) {
  return startWireSession({ engine: 'kimi', cwd: '/tmp', approve: recordingApprover().approve, transport: peer.client, sessionId: 's-1', ...opts });
}

const usage = (input_other: number, output: number) => ({ input_other, output, input_cache_read: 0, input_cache_creation: 0 });

describe('Wire session: server requests and odd traffic (scripted peer)', () => {
  it('answers question/tool/hook/unknown requests conservatively, routes by shape on id collisions, counts subagent usage', async () => {
    const answers: Record<string, Json> = {};
    const peer = new ScriptedPeer((m, p) => {
      if (m.method === 'initialize') return p.respond(m.id, INIT_RESULT);
      if (m.method !== 'prompt') return;
      void (async () => {
        p.event('TurnBegin', { user_input: m.params.user_input });
        p.event('StepBegin', { n: 1 });
        // The server's request reuses an id equal to our pending prompt's id: it is still a request.
        answers.question = await p.request(m.id, 'QuestionRequest', { id: 'q-1', tool_call_id: 'tc-1', questions: [{ question: 'Lang?', header: 'Lang', options: [], multi_select: false }] });
        answers.tool = await p.request('tc-9', 'ToolCallRequest', { id: 'tc-9', name: 'open_in_ide', arguments: '{"path":"a"}' });
        answers.hook = await p.request('h-1', 'HookRequest', { id: 'h-1', subscription_id: 's', event: 'PreToolUse', target: 'Shell', input_data: {} });
        answers.future = await p.request('f-1', 'FutureRequest', { id: 'f-1' });
        answers.method = await p.call('m-1', 'custom/method', {});
        p.event('StepRetry', { n: 1, next_attempt: 2, max_attempts: 3, wait_s: 0.5, error_type: 'rate_limit', status_code: 429 });
        p.event('StatusUpdate', { context_usage: 0.1, context_tokens: 10, max_context_tokens: 100, token_usage: usage(5, 2), message_id: 'm', plan_mode: false, mcp_status: null });
        p.event('SubagentEvent', { parent_tool_call_id: 'tc-1', agent_id: 'a1', subagent_type: 'coder', event: { type: 'StatusUpdate', payload: { token_usage: usage(40, 9) } } });
        p.event('FutureEvent', { anything: true });
        p.send({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid request' } });
        p.event('TurnEnd', {});
        p.respond(m.id, { status: 'finished' });
      })();
    });
    const session = await startOver(peer);
    expect(session.info).toMatchObject({ agentName: 'Scripted Wire', agentVersion: '9.9.9', protocolVersion: '1.10' });
    const { result, events } = await drain(session.prompt('go'));
    expect(result).toMatchObject({ stopReason: 'end_turn', usage: { input: 45, output: 11, exact: true } });
    expect(answers.question).toEqual({ jsonrpc: '2.0', id: 'omk-2', result: { request_id: 'q-1', answers: {} } });
    expect(answers.tool.result).toEqual({
      tool_call_id: 'tc-9',
      return_value: { is_error: true, output: '', message: 'omk does not provide the external tool `open_in_ide`.', display: [] },
    });
    expect(answers.hook.result).toEqual({ request_id: 'h-1', action: 'allow', reason: '' });
    expect(answers.future.error).toMatchObject({ code: -32601 });
    expect(answers.method.error).toMatchObject({ code: -32601 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', text: expect.stringContaining('retrying, attempt 2 of 3') }));
    expect(events).toContainEqual({ type: 'usage', turn: { input: 40, output: 9, cacheRead: 0, cacheWrite: 0, exact: true }, exact: true });
    expect(events).toContainEqual({ type: 'raw', protocol: 'wire', message: expect.objectContaining({ params: { type: 'FutureEvent', payload: { anything: true } } }) });
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', text: expect.stringContaining('Invalid request') }));
    expect(session.usage()).toMatchObject({ input: 45, output: 11, contextUsed: 10, contextSize: 100 });
    // Our own ids are strings.
    expect(peer.received.filter((m) => m.method !== undefined).every((m) => typeof m.id === 'string')).toBe(true);
    await session.close();
  });

  it('answers a cancelled approval with reject and never calls back after close', async () => {
    let seenSignal: AbortSignal | undefined;
    const approvalAnswer: { value?: Json } = {};
    let approvalAsked!: () => void;
    const asked = new Promise<void>((resolve) => (approvalAsked = resolve));
    const peer = new ScriptedPeer((m, p) => {
      if (m.method === 'initialize') return p.respond(m.id, INIT_RESULT);
      if (m.method === 'cancel') {
        p.respond(m.id, {});
        return;
      }
      if (m.method !== 'prompt') return;
      p.event('ToolCall', { type: 'function', id: 'tc-1', function: { name: 'Shell', arguments: '{"command": "make' }, extras: null });
      p.event('ToolCallPart', { arguments_part: ' test"}' });
      void p
        .request('ap-1', 'ApprovalRequest', {
          id: 'ap-1', tool_call_id: 'tc-1', sender: 'Shell', action: 'run command', description: 'Run command `make test`',
          source_kind: 'foreground_turn', source_id: 'x', agent_id: null, subagent_type: null, source_description: null,
          display: [{ type: 'shell', language: 'bash', command: 'make test' }],
        })
        .then((answer) => {
          approvalAnswer.value = answer;
          p.respond(m.id, { status: 'cancelled' });
        });
    });
    const outOfTurn: AgentEvent[] = [];
    const requests: ApprovalRequest[] = [];
    const session = await startOver(peer, {
      onOutOfTurnEvent: (e) => outOfTurn.push(e),
      approve: (request, signal) => {
        requests.push(request);
        seenSignal = signal;
        approvalAsked();
        return new Promise(() => {}); // a human who never answers
      },
    });
    const turn = session.prompt('go');
    await asked;
    expect(requests[0]).toMatchObject({ kind: 'execute', command: 'make test', toolCallId: 'tc-1', tool: 'Shell', raw: { command: 'make test' } });
    await session.cancel();
    const { result, events } = await drain(turn);
    expect(result.stopReason).toBe('cancelled');
    expect(seenSignal?.aborted).toBe(true);
    expect(approvalAnswer.value.result).toEqual({ request_id: 'ap-1', response: 'reject', feedback: 'The request was cancelled.' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'approval_resolved', outcome: 'cancelled' }));
    expect(events.at(-1)).toMatchObject({ type: 'tool_call_completed', callId: 'tc-1', status: 'cancelled' });
    expect(result.incompleteToolCalls).toEqual(['tc-1']);
    await session.close();
    expect(outOfTurn.filter((e) => e.type === 'approval_resolved')).toEqual([]);
  });

  it('the peer going away mid-turn → crashed; out of turn → an error notice', async () => {
    const peer = new ScriptedPeer((m, p) => {
      if (m.method === 'initialize') return p.respond(m.id, INIT_RESULT);
      if (m.method === 'prompt') void p.hangUp();
    });
    const outOfTurn: AgentEvent[] = [];
    const session = await startOver(peer, { onOutOfTurnEvent: (e) => outOfTurn.push(e) });
    const { result } = await drain(session.prompt('go'));
    expect(result).toMatchObject({ stopReason: 'crashed', error: { code: 'crashed' } });
    expect(session.state).toBe('closed');

    const idle = new ScriptedPeer((m, p) => {
      if (m.method === 'initialize') {
        p.respond(m.id, INIT_RESULT);
        setImmediate(() => void p.hangUp());
      }
    });
    let exited!: () => void;
    const gone = new Promise<void>((resolve) => (exited = resolve));
    const s2 = await startOver(idle, { onOutOfTurnEvent: (e) => e.type === 'notice' && exited() });
    await gone;
    expect(s2.state).toBe('closed');
  });

  it('initialize answered with another error → failed naming the error', async () => {
    const peer = new ScriptedPeer((m, p) => {
      if (m.method === 'initialize') p.respondError(m.id, -32603, 'boom');
    });
    const error = await startOver(peer).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OmkError);
    expect((error as OmkError).message).toContain('`initialize` answered error -32603: boom');
  });

  it('a peer that writes only garbage and exits → failed quoting the garbage, process gone', async () => {
    const r = tempRepo();
    try {
      const script = "console.log('Welcome to not-wire!'); console.error('fatal: no config'); process.exit(3)";
      const error = await startWireSession({ engine: 'kimi', cwd: r.dir, approve: recordingApprover().approve, command: process.execPath, args: ['-e', script] }).then(
        () => undefined,
        (e: unknown) => e as OmkError,
      );
      expect(error?.code).toBe('failed');
      expect(error?.message).toContain('exited with code 3');
      expect(error?.message).toContain('fatal: no config');
      expect(error?.message).toContain('Welcome to not-wire!');

      const silent = "console.log('still not json'); setInterval(() => {}, 1000)";
      const pidFile: number[] = [];
      const timeout = await startWireSession({
        engine: 'kimi', cwd: r.dir, approve: recordingApprover().approve, command: process.execPath, args: ['-e', `console.error('pid ' + process.pid); ${silent}`],
        handshakeTimeoutMs: 300, graceMs: 200,
        onStderr: (chunk) => {
          const match = /pid (\d+)/.exec(chunk);
          if (match) pidFile.push(Number(match[1]));
        },
      }).then(
        () => undefined,
        (e: unknown) => e as OmkError,
      );
      expect(timeout?.message).toContain('no answer to `initialize` within 300 ms');
      expect(timeout?.message).toContain('still not json');
      expect(processGone(pidFile[0]!)).toBe(true);
    } finally {
      r.cleanup();
    }
  });
});
