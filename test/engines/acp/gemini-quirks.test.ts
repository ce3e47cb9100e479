import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentSession } from '../../../src/engines/session.js';
import { collect, recordingApprover, startFake, tempDir, tempRepo } from './helpers.js';

/** Gemini CLI's ways (docs/engines.md "Gemini CLI"), reproduced by the fake ACP agent's quirk switches. */
const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function track(p: Promise<AgentSession>): Promise<AgentSession> {
  const s = await p;
  sessions.push(s);
  return s;
}

type Completed = Extract<AgentEvent, { type: 'tool_call_completed' }>;
const completed = (events: AgentEvent[]): Completed[] => events.filter((e): e is Completed => e.type === 'tool_call_completed');

describe('ACP adapter: Gemini CLI quirks (fake ACP agent)', () => {
  it('a shell permission that names its command only in the title is checked as that command', async () => {
    const cwd = tempRepo();
    const { requests, approve } = recordingApprover();
    const session = await track(startFake(cwd, { scenario: 'fake-edit-run.json', quirks: 'gemini_tool_calls', approve }));
    const { events, result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    const run = requests.find((r) => r.kind === 'execute');
    expect(run).toMatchObject({ command: 'echo ran > marker.txt && echo MARKER-OK', title: 'echo ran > marker.txt && echo MARKER-OK' });
    expect(run?.raw).toBeUndefined();
    expect(readFileSync(path.join(cwd, 'marker.txt'), 'utf8')).toBe('ran\n');
    // The permission request was the first word of each call: it started them; the one update closed them.
    expect(events.filter((e) => e.type === 'tool_call_started').map((e) => e.type === 'tool_call_started' && e.kind)).toEqual(['edit', 'execute']);
    expect(completed(events).map((e) => [e.kind, e.status])).toEqual([['edit', 'completed'], ['execute', 'completed']]);
    expect(result.incompleteToolCalls).toBeUndefined();
  });

  it('a denied call the agent never closes ends failed, not incomplete, and does not run', async () => {
    const cwd = tempRepo();
    const { approve } = recordingApprover((r) => ({ allow: !(r.command ?? '').includes('forbidden'), rule: 'test:deny', reason: 'not here' }));
    const session = await track(startFake(cwd, { scenario: 'fake-deny.json', quirks: 'gemini_tool_calls', approve }));
    const { events, result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    expect(existsSync(path.join(cwd, 'forbidden.txt'))).toBe(false);
    expect(events.find((e) => e.type === 'approval_resolved')).toMatchObject({ outcome: 'denied', request: { command: 'touch forbidden.txt' } });
    expect(completed(events)).toEqual([expect.objectContaining({ kind: 'execute', status: 'failed', command: 'touch forbidden.txt' })]);
    expect(result.incompleteToolCalls).toBeUndefined();
  });

  it("reads exact usage from the prompt result's _meta.quota.token_count", async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { scenario: 'fake-deny.json', quirks: 'quota_usage', pricing: { input_per_mtok: 1, output_per_mtok: 2 } }));
    const prompt = 'count my tokens';
    const { result } = await collect(session.prompt(prompt));
    // The fake reports 1000 + ceil(prompt / 4) input tokens: far from what the estimate would say.
    expect(result.usage).toMatchObject({ input: 1000 + Math.ceil(prompt.length / 4), cacheRead: 0, exact: true });
    expect(result.usage.output).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((result.usage.input + 2 * result.usage.output) / 1e6, 12);
    expect(session.usage()).toMatchObject({ exact: true, input: result.usage.input });
  });

  it('serveFs: false advertises no fs capability, so the agent writes the disk itself (its edit still asks)', async () => {
    const cwd = tempRepo();
    const log = path.join(tempDir(), 'agent.jsonl');
    const { requests, approve } = recordingApprover();
    const session = await track(startFake(cwd, { scenario: 'fake-edit-run.json', approve, serveFs: false, env: { FAKE_AGENT_LOG: log } }));
    const { result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    expect(readFileSync(path.join(cwd, 'hello.txt'), 'utf8')).toBe('hello from the fake agent\n');
    expect(requests.find((r) => r.kind === 'edit')?.paths).toContain(path.join(cwd, 'hello.txt'));
    const messages = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dir: string; msg?: { method?: string; params?: { clientCapabilities?: unknown } } });
    const init = messages.find((m) => m.dir === 'in' && m.msg?.method === 'initialize');
    expect(init?.msg?.params?.clientCapabilities).toMatchObject({ fs: { readTextFile: false, writeTextFile: false } });
    expect(messages.some((m) => m.dir === 'out' && m.msg?.method?.startsWith('fs/'))).toBe(false);
  });
});
