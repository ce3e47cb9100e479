import { describe, expect, it } from 'vitest';
import { createMemoryTransportPair } from '../../../src/engines/transport/index.js';
import { approvalRequestOf, approvalResultOf } from '../../../src/engines/wire/approval.js';
import { toUserInput } from '../../../src/engines/wire/content.js';
import { defaultWireArgs, kindOfTool, turnErrorOf, WireEventMapper, WireRpc } from '../../../src/engines/wire/index.js';
import type { RpcOutcome } from '../../../src/engines/wire/index.js';
import { newCall } from '../../../src/engines/wire/tool-call.js';

const ev = (type: string, payload: unknown) => ({ jsonrpc: '2.0', method: 'event', params: { type, payload } });
const map = (m: WireEventMapper, type: string, payload: unknown) => {
  const message = ev(type, payload);
  return m.map(message.params, message);
};

describe('WireEventMapper', () => {
  it('maps text and think content parts to deltas; other parts stay raw', () => {
    const m = new WireEventMapper('/w', false);
    expect(map(m, 'ContentPart', { type: 'text', text: 'hi' })).toEqual([{ type: 'text_delta', text: 'hi' }]);
    expect(map(m, 'ContentPart', { type: 'think', think: 'hmm', encrypted: null })).toEqual([{ type: 'thinking_delta', text: 'hmm' }]);
    expect(map(m, 'ContentPart', { type: 'image_url', image_url: { url: 'x' } })[0]).toMatchObject({ type: 'raw', protocol: 'wire' });
  });

  it('builds a tool call from ToolCall + ToolCallPart fragments and closes it with ToolResult', () => {
    const m = new WireEventMapper('/w', false);
    expect(map(m, 'ToolCall', { type: 'function', id: 'tc-1', function: { name: 'WriteFile', arguments: '{"path": "a.t' }, extras: null })).toEqual([
      { type: 'tool_call_started', callId: 'tc-1', kind: 'edit', title: 'WriteFile', status: 'pending', paths: [] },
    ]);
    expect(map(m, 'ToolCallPart', { arguments_part: 'xt", "content": "A"}' })).toEqual([
      { type: 'tool_call_updated', callId: 'tc-1', kind: 'edit', title: 'WriteFile: /w/a.txt', status: 'pending', paths: ['/w/a.txt'], rawInput: { path: 'a.txt', content: 'A' } },
    ]);
    expect(m.openCalls()).toEqual(['tc-1']);
    const done = map(m, 'ToolResult', {
      tool_call_id: 'tc-1',
      return_value: { is_error: false, output: '', message: 'File written.', display: [{ type: 'diff', path: '/w/a.txt', old_text: '', new_text: 'A' }], extras: null },
    });
    expect(done[0]).toMatchObject({ type: 'tool_call_completed', status: 'completed', output: 'File written.', diffs: [{ path: '/w/a.txt', oldText: '', newText: 'A' }] });
    expect(m.openCalls()).toEqual([]);
  });

  it('marks an error ToolResult failed, joins ContentPart[] output, and turns a todo display into a plan', () => {
    const m = new WireEventMapper('/w', false);
    map(m, 'ToolCall', { type: 'function', id: 't', function: { name: 'Shell', arguments: '{"command": "false"}' }, extras: null });
    expect(map(m, 'ToolResult', { tool_call_id: 't', return_value: { is_error: true, output: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], message: 'failed', display: [] } })[0]).toMatchObject({
      status: 'failed',
      output: 'ab',
      command: 'false',
      kind: 'execute',
    });
    map(m, 'ToolCall', { type: 'function', id: 'todo', function: { name: 'SetTodoList', arguments: '{}' }, extras: null });
    const events = map(m, 'ToolResult', { tool_call_id: 'todo', return_value: { is_error: false, output: '', message: '', display: [{ type: 'todo', items: [{ title: 'x', status: 'done' }, { title: 'y', status: 'pending' }] }] } });
    expect(events[1]).toEqual({ type: 'plan', entries: [{ content: 'x', status: 'completed' }, { content: 'y', status: 'pending' }] });
  });

  it('maps StatusUpdate to exact usage, context and plan mode changes; an all-null update is raw', () => {
    const m = new WireEventMapper('/w', false);
    expect(
      map(m, 'StatusUpdate', {
        context_usage: 0.05, context_tokens: 5, max_context_tokens: 100, message_id: 'x', plan_mode: false, mcp_status: null,
        token_usage: { input_other: 5, output: 2, input_cache_read: 3, input_cache_creation: 1 },
      }),
    ).toEqual([{ type: 'usage', turn: { input: 5, output: 2, cacheRead: 3, cacheWrite: 1, exact: true }, context: { used: 5, size: 100 }, exact: true }]);
    expect(map(m, 'StatusUpdate', { plan_mode: true })).toEqual([{ type: 'mode_changed', mode: 'plan' }]);
    expect(map(m, 'StatusUpdate', { plan_mode: true })[0]).toMatchObject({ type: 'raw' });
    expect(map(m, 'StatusUpdate', { context_usage: null, token_usage: null, plan_mode: null })[0]).toMatchObject({ type: 'raw' });
  });

  it('counts steps that never reported usage (the turn is then not exact)', () => {
    const m = new WireEventMapper('/w', false);
    m.beginTurn();
    map(m, 'StepBegin', { n: 1 });
    map(m, 'StatusUpdate', { token_usage: { input_other: 1, output: 1 } });
    map(m, 'StepBegin', { n: 2 });
    m.endTurn('incomplete');
    expect(m.stepsWithoutUsage).toBe(1);
  });

  it('keeps unknown and lifecycle events raw, never throws on junk', () => {
    const m = new WireEventMapper('/w', false);
    for (const type of ['TurnBegin', 'TurnEnd', 'StepInterrupted', 'PlanDisplay', 'BtwBegin', 'MCPLoadingBegin', 'SomethingFrom2027']) {
      expect(map(m, type, {})).toEqual([{ type: 'raw', protocol: 'wire', message: ev(type, {}) }]);
    }
    expect(m.map(null, 'x')).toEqual([{ type: 'raw', protocol: 'wire', message: 'x' }]);
    expect(m.map({ type: 'ToolCallPart', payload: { arguments_part: 'orphan' } }, 'y')).toEqual([{ type: 'raw', protocol: 'wire', message: 'y' }]);
  });
});

describe('tool kinds, approvals, prompt input, args', () => {
  it('infers the kind from the tool name', () => {
    expect(['Shell', 'ReadFile', 'WriteFile', 'StrReplaceFile', 'Glob', 'Grep', 'FetchURL', 'SearchWeb', 'Think', 'Task'].map(kindOfTool)).toEqual([
      'execute', 'read', 'edit', 'edit', 'search', 'search', 'fetch', 'fetch', 'think', 'other',
    ]);
    expect(['mcp__fs__delete_file', 'run_tests', 'weird'].map(kindOfTool)).toEqual(['delete', 'execute', 'other']);
  });

  it('builds the approval request from the payload and the tool call; answers in the exact shape', () => {
    const call = newCall('tc-1', 'StrReplaceFile', '{"path": "src/a.ts", "edit": {}}', '/w');
    const request = approvalRequestOf(
      { id: 'ap', tool_call_id: 'tc-1', sender: 'StrReplaceFile', action: 'edit file', description: 'Edit `src/a.ts`', display: [{ type: 'diff', path: '/w/src/a.ts', old_text: 'a', new_text: 'b' }] },
      call,
      '/w',
    );
    expect(request).toEqual({ kind: 'edit', paths: ['/w/src/a.ts'], title: 'Edit `src/a.ts`', raw: { path: 'src/a.ts', edit: {} }, toolCallId: 'tc-1', tool: 'StrReplaceFile' });
    expect(approvalRequestOf({ id: 'ap', sender: 'mystery', action: 'run command', display: [{ type: 'shell', language: 'bash', command: 'ls' }] }, undefined, '/w')).toMatchObject({
      kind: 'execute',
      command: 'ls',
      cwd: '/w',
    });
    expect(approvalResultOf('ap', { allow: true })).toEqual({ request_id: 'ap', response: 'approve', feedback: '' });
    expect(approvalResultOf('ap', { allow: true, always: true })).toEqual({ request_id: 'ap', response: 'approve_for_session', feedback: '' });
    expect(approvalResultOf('ap', { allow: false, reason: 'no' })).toEqual({ request_id: 'ap', response: 'reject', feedback: 'no' });
    expect(approvalResultOf('ap', 'cancelled').response).toBe('reject');
  });

  it('turns prompt parts into Wire content parts', () => {
    expect(toUserInput('hi')).toBe('hi');
    expect(toUserInput([{ type: 'text', text: 'a' }, { type: 'image', mimeType: 'image/png', data: 'AAA' }])).toEqual([
      { type: 'text', text: 'a' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } },
    ]);
  });

  it('builds the default argv per protocols.md §1.1', () => {
    expect(defaultWireArgs({ cwd: '/w', sessionId: 's' })).toEqual(['--wire', '--work-dir', '/w', '--session', 's']);
    expect(
      defaultWireArgs({ cwd: '/w', sessionId: 's', model: 'k2', thinking: false, planMode: true, maxStepsPerTurn: 3, mcpServers: [{ name: 'fs', command: 'mcp-fs' }], extraArgs: ['--x'] }),
    ).toEqual(['--wire', '--work-dir', '/w', '--session', 's', '--model', 'k2', '--no-thinking', '--plan', '--max-steps-per-turn', '3', '--mcp-config', '{"mcpServers":{"fs":{"command":"mcp-fs","args":[]}}}', '--x']);
  });
});

describe('turnErrorOf (§1.7)', () => {
  it('maps every Wire error code', () => {
    expect(turnErrorOf({ code: -32000, message: 'An agent turn is already in progress' }).code).toBe('busy');
    expect(turnErrorOf({ code: -32000, message: 'No agent turn is in progress' }).code).toBe('invalid_state');
    expect(turnErrorOf({ code: -32001, message: '' }).code).toBe('llm_not_set');
    expect(turnErrorOf({ code: -32002, message: '' }).code).toBe('llm_not_supported');
    expect(turnErrorOf({ code: -32003, message: 'HTTP 503' })).toMatchObject({ code: 'provider_error', retryable: true });
    expect(turnErrorOf({ code: -32003, message: 'invalid api key' })).toMatchObject({ code: 'provider_error', retryable: false });
    expect(turnErrorOf({ code: -32004, message: '' }).code).toBe('auth_required');
    for (const code of [-32700, -32600, -32601, -32602]) expect(turnErrorOf({ code, message: '' }).code).toBe('protocol_error');
    expect(turnErrorOf({ code: -32603, message: 'x' })).toEqual({ code: 'agent_error', message: 'x', protocolCode: -32603 });
  });
});

describe('WireRpc framing', () => {
  it('uses string ids, settles responses in order, routes server requests by shape, fails pending calls on close', async () => {
    const [client, agent] = createMemoryTransportPair();
    const seen: string[] = [];
    const rpc = new WireRpc(client, {
      notification: (method) => seen.push(`note:${method}`),
      request: (id, method) => seen.push(`req:${String(id)}:${method}`),
      stray: (_m, why) => seen.push(`stray:${why}`),
    });
    client.onmessage = (m) => rpc.handle(m);
    const sent: Array<{ id: string; method: string }> = [];
    agent.onmessage = (m) => {
      const msg = m as { id: string; method: string };
      sent.push(msg);
      if (msg.method === 'prompt') {
        void agent.send({ jsonrpc: '2.0', id: msg.id, method: 'request', params: { type: 'ApprovalRequest', payload: {} } });
        void agent.send({ jsonrpc: '2.0', method: 'event', params: {} });
        void agent.send({ jsonrpc: '2.0', id: msg.id, result: { status: 'finished' } });
        void agent.send({ jsonrpc: '2.0', id: 'nobody', result: {} });
      }
    };
    await Promise.all([client.start(), agent.start()]);
    const outcome = await new Promise<RpcOutcome>((resolve) =>
      rpc.call('prompt', { user_input: 'x' }, (o) => {
        seen.push('answered');
        resolve(o);
      }),
    );
    expect(outcome).toEqual({ ok: true, result: { status: 'finished' } });
    expect(sent[0]).toEqual({ jsonrpc: '2.0', id: 'omk-1', method: 'prompt', params: { user_input: 'x' } });
    expect(seen.slice(0, 3)).toEqual(['req:omk-1:request', 'note:event', 'answered']);

    const pending = rpc.request('cancel', {});
    const timed = rpc.request('steer', {}, 1);
    expect(await timed).toMatchObject({ ok: false, local: 'timeout' });
    rpc.close();
    expect(await pending).toMatchObject({ ok: false, local: 'closed' });
    expect(await rpc.request('after')).toMatchObject({ ok: false, local: 'closed' });
    expect(seen).toContain('stray:response to no pending request');
  });
});
