import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../fixtures/model-server/index.js';
import type { AgentSession } from '../../../src/engines/session.js';
import { drain, messagesOf, recordingApprove, SCENARIOS, startSession, tempRepo, textOf, toolMessages } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setUp(scenario: string, files: Record<string, string> = {}) {
  const server: ModelServer = await startModelServer({ scenarioFile: path.join(SCENARIOS, scenario), port: 0 });
  const repo = tempRepo(files);
  cleanups.push(() => server.close(), repo.cleanup);
  return { server, repo };
}

function track(session: AgentSession): AgentSession {
  cleanups.push(() => session.close());
  return session;
}

describe('builtin engine: the agent loop', () => {
  it('edits a file, runs a command, feeds the output back, and reports exact usage and cost', async () => {
    const { server, repo } = await setUp('edit-and-run.json', { 'src/sum.js': 'module.exports = (a, b) => a - b;\n' });
    const approve = recordingApprove();
    const pricing = { input_per_mtok: 0.6, cached_input_per_mtok: 0.1, output_per_mtok: 3 };
    const session = track(await startSession(server.url, repo.root, { approve, pricing }));

    const { events, result } = await drain(session.prompt('fix the sum'));

    expect(result.stopReason).toBe('end_turn');
    // The file really changed on disk.
    expect(readFileSync(path.join(repo.root, 'src/sum.js'), 'utf8')).toBe('module.exports = (a, b) => a + b;\n');
    // The command really ran and its output went back to the model.
    expect(server.requests).toHaveLength(3);
    expect(toolMessages(server.requests[2]!.body).at(-1)).toMatch(/exit code: 0[\s\S]*sum=5/);
    expect(textOf(events)).toBe('Fixed: sum(2, 3) is now 5.');

    // Approval requests map to kinds, paths and the command.
    expect(approve.requests.map((r) => r.kind)).toEqual(['edit', 'execute']);
    expect(approve.requests[0]!.paths).toEqual([path.join(repo.root, 'src/sum.js')]);
    expect(approve.requests[0]!.tool).toBe('edit_file');
    expect(approve.requests[1]!.command).toContain("require('./src/sum.js')");
    expect(approve.requests[1]!.cwd).toBe(repo.root);

    // Tool events: started → updated → completed, with kind, title, paths, command and a diff.
    const edit = events.filter((e) => 'callId' in e && e.callId === 'call_1_0');
    expect(edit.map((e) => e.type)).toEqual(['tool_call_started', 'tool_call_updated', 'tool_call_updated', 'tool_call_completed']);
    const editDone = edit.at(-1)!;
    expect(editDone).toMatchObject({ kind: 'edit', status: 'completed', title: 'edit_file src/sum.js', paths: [path.join(repo.root, 'src/sum.js')] });
    expect(editDone.type === 'tool_call_completed' && editDone.diffs?.[0]?.newText).toContain('a + b');
    const bashDone = events.find((e) => e.type === 'tool_call_completed' && e.kind === 'execute');
    expect(bashDone).toMatchObject({ status: 'completed', command: expect.stringContaining('node -e') });
    expect(events.filter((e) => e.type === 'approval_resolved').map((e) => e.type === 'approval_resolved' && e.outcome)).toEqual(['allowed', 'allowed']);

    // Usage from chunk.usage, choices[0].usage and both; cached tokens top-level and in details.
    const usages = events.flatMap((e) => (e.type === 'usage' && e.turn ? [e.turn] : []));
    expect(usages).toEqual([
      { input: 400, cacheRead: 600, cacheWrite: 0, output: 50, exact: true },
      { input: 200, cacheRead: 1000, cacheWrite: 0, output: 30, exact: true },
      { input: 100, cacheRead: 1200, cacheWrite: 0, output: 20, exact: true },
    ]);
    expect(result.usage).toEqual({ input: 700, cacheRead: 2800, cacheWrite: 0, output: 100, exact: true });
    const cost = (700 * 0.6 + 2800 * 0.1 + 100 * 3) / 1e6;
    expect(result.costUsd).toBeCloseTo(cost, 12);
    expect(session.usage()).toMatchObject({ input: 700, cacheRead: 2800, output: 100, exact: true });
    expect(session.usage().costUsd).toBeCloseTo(cost, 12);
  });

  it('round-trips reasoning_content and drops empty content on the tool-call message', async () => {
    const { server, repo } = await setUp('edit-and-run.json', { 'src/sum.js': 'module.exports = (a, b) => a - b;\n' });
    const session = track(await startSession(server.url, repo.root));
    const { events } = await drain(session.prompt('fix the sum'));

    expect(textOf(events, 'thinking_delta')).toBe('The subtraction should be an addition.');
    const second = messagesOf(server.requests[1]!.body);
    const assistant = second.find((m) => m.role === 'assistant')!;
    expect(assistant.reasoning_content).toBe('The subtraction should be an addition.');
    expect('content' in assistant).toBe(false);
    expect(assistant.tool_calls).toEqual([
      { id: 'call_1_0', type: 'function', function: { name: 'edit_file', arguments: JSON.stringify({ path: 'src/sum.js', old: 'a - b', new: 'a + b' }) } },
    ]);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'mock-kimi', stream: true, stream_options: { include_usage: true }, prompt_cache_key: session.id });
  });

  it('does not run a command the approve callback denies, and tells the model why', async () => {
    const { server, repo } = await setUp('deny.json');
    const approve = recordingApprove((r) => (r.command?.includes('forbidden') ? { allow: false, reason: 'forbidden files are off limits' } : { allow: true }));
    const session = track(await startSession(server.url, repo.root, { approve }));

    const { events, result } = await drain(session.prompt('make the marker'));

    expect(result.stopReason).toBe('end_turn');
    expect(existsSync(path.join(repo.root, 'forbidden-marker'))).toBe(false);
    expect(toolMessages(server.requests[1]!.body)[0]).toMatch(/denied[\s\S]*forbidden files are off limits[\s\S]*not run/);
    const resolved = events.find((e) => e.type === 'approval_resolved');
    expect(resolved).toMatchObject({ outcome: 'denied', reason: 'forbidden files are off limits', request: { kind: 'execute', command: 'touch forbidden-marker' } });
    expect(events.find((e) => e.type === 'tool_call_completed')).toMatchObject({ status: 'failed' });
  });

  it('treats a throwing approve callback as a denial', async () => {
    const { server, repo } = await setUp('deny.json');
    const approve = () => Promise.reject(new Error('policy store unavailable'));
    const session = track(await startSession(server.url, repo.root, { approve }));
    const { result } = await drain(session.prompt('make the marker'));
    expect(result.stopReason).toBe('end_turn');
    expect(existsSync(path.join(repo.root, 'forbidden-marker'))).toBe(false);
    expect(toolMessages(server.requests[1]!.body)[0]).toMatch(/denied[\s\S]*policy store unavailable/);
  });

  it('refuses paths outside the session directory: .., absolute, and symlinks out', async () => {
    const { server, repo } = await setUp('escapes.json', { 'inside.txt': 'ok' });
    writeFileSync(path.join(repo.outside, 'secret.txt'), 'top secret');
    symlinkSync(repo.outside, path.join(repo.root, 'link'));
    const approve = recordingApprove();
    const session = track(await startSession(server.url, repo.root, { approve }));

    const { events, result } = await drain(session.prompt('look around'));

    expect(result.stopReason).toBe('end_turn');
    const results = toolMessages(server.requests[1]!.body);
    expect(results).toHaveLength(5);
    expect(results[0]).toMatch(/^refused: \.\.\/outside\/secret\.txt is outside the project directory/);
    expect(results[1]).toMatch(/^refused: \/etc\/hostname is outside the project directory/);
    expect(results[2]).toMatch(/^refused: link\/secret\.txt goes through a symbolic link that points outside/);
    expect(results[3]).toMatch(/^refused: link\/new\.txt goes through a symbolic link/);
    expect(results.join('\n')).not.toContain('top secret');
    expect(results[4]).toContain('inside.txt');
    expect(existsSync(path.join(repo.outside, 'new.txt'))).toBe(false);
    // Refused calls never reach the approval callback; the allowed list_dir does.
    expect(approve.requests.map((r) => r.tool)).toEqual(['list_dir']);
    // Five calls assembled from 3-character fragments, each announced once.
    expect(events.filter((e) => e.type === 'tool_call_started').map((e) => 'callId' in e && e.callId)).toEqual([
      'call_1_0', 'call_1_1', 'call_1_2', 'call_1_3', 'call_1_4',
    ]);
  });

  it('edit_file with zero or several matches changes nothing and tells the model to add context', async () => {
    const text = 'repeat\nrepeat\nunique line\n';
    const { server, repo } = await setUp('edit-matches.json', { 'notes.txt': text });
    const session = track(await startSession(server.url, repo.root));
    await drain(session.prompt('edit the notes'));

    const [zero, many, ok] = toolMessages(server.requests[1]!.body);
    expect(zero).toMatch(/not found in notes\.txt.*match the file exactly/);
    expect(many).toMatch(/occurs 2 times in notes\.txt; nothing was changed\. Add surrounding lines/);
    expect(ok).toBe('edited notes.txt');
    // `$&` in the replacement stays literal.
    expect(readFileSync(path.join(repo.root, 'notes.txt'), 'utf8')).toBe('repeat\nrepeat\ncost $& $1\n');
  });

  it('readOnly offers only the read tools and refuses a write the model asks for anyway', async () => {
    const { server, repo } = await setUp('read-only.json', { 'a/b.txt': 'hay\nneedle here\n', 'node_modules/x.txt': 'needle' });
    const approve = recordingApprove();
    const session = track(await startSession(server.url, repo.root, { readOnly: true, approve }));
    const { result } = await drain(session.prompt('find the needle'));

    expect(result.stopReason).toBe('end_turn');
    const tools = (server.requests[0]!.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name);
    expect(tools).toEqual(['read_file', 'list_dir', 'grep']);
    const [grep, write] = toolMessages(server.requests[1]!.body);
    expect(grep).toBe('a/b.txt:2: needle here');
    expect(write).toMatch(/write_file is not available in this read-only session/);
    expect(existsSync(path.join(repo.root, 'created.txt'))).toBe(false);
    expect(approve.requests.map((r) => r.kind)).toEqual(['search']);
    expect(session.info.capabilities).toMatchObject({ readOnly: true, tools: ['read_file', 'list_dir', 'grep'] });
  });

  it('keeps the conversation across turns, and refuses a second prompt while one runs', async () => {
    const server = await startModelServer({ scenario: { steps: [{ content: 'one', slow: 50, chunk_size: 1 }, { content: 'two' }] } });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const session = track(await startSession(server.url, repo.root, { systemPrompt: 'be brief' }));

    const first = session.prompt('first');
    expect(session.state).toBe('prompting');
    const busy = await session.prompt('too soon').result;
    expect(busy).toMatchObject({ stopReason: 'error', error: { code: 'busy' } });
    expect((await first.result).stopReason).toBe('end_turn');
    expect(session.state).toBe('idle');
    await drain(session.prompt('second'));

    expect(messagesOf(server.requests[1]!.body)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'one' },
      { role: 'user', content: 'second' },
    ]);
    await session.close();
    expect((await session.prompt('after close').result).error?.code).toBe('closed');
  });
});
