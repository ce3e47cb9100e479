import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentSession } from '../../../src/engines/session.js';
import { collect, processAndGroupGone, recordingApprover, startFake, tempRepo, waitForEvent } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function track(p: Promise<AgentSession>): Promise<AgentSession> {
  const s = await p;
  sessions.push(s);
  return s;
}

describe('ACP adapter against the fake ACP agent', () => {
  it('handshakes, edits a file, runs a command and reports usage', async () => {
    const cwd = tempRepo();
    const { requests, approve } = recordingApprover();
    const session = await track(startFake(cwd, { scenario: 'fake-edit-run.json', approve, pricing: { input_per_mtok: 1, output_per_mtok: 2 } }));
    expect(session.info).toMatchObject({ protocol: 'acp', agentName: 'fake-acp-agent', agentVersion: '0.1.0', protocolVersion: '1' });
    expect(session.id).toMatch(/^session_/);

    const { events, result, text } = await collect(session.prompt('please do the thing'));
    expect(result.stopReason).toBe('end_turn');
    expect(readFileSync(path.join(cwd, 'hello.txt'), 'utf8')).toBe('hello from the fake agent\n');
    expect(readFileSync(path.join(cwd, 'marker.txt'), 'utf8')).toBe('ran\n');
    expect(text).toContain('Done.');
    expect(events.some((e) => e.type === 'thinking_delta')).toBe(true);
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ entries: [{ content: 'write hello.txt' }, { content: 'run the marker command', priority: 'high' }] });

    const run = events.find((e): e is Extract<AgentEvent, { type: 'tool_call_completed' }> => e.type === 'tool_call_completed' && e.kind === 'execute');
    expect(run).toMatchObject({ status: 'completed', command: 'echo ran > marker.txt && echo MARKER-OK' });
    expect(run?.output).toContain('MARKER-OK');
    const edit = events.find((e) => e.type === 'tool_call_completed' && e.kind === 'edit');
    expect(edit).toMatchObject({ status: 'completed', paths: [path.join(cwd, 'hello.txt')] });

    // Both tool calls went through the approval callback with the right shape.
    expect(requests.map((r) => r.kind)).toEqual(['edit', 'execute']);
    expect(requests[0]!.paths).toContain(path.join(cwd, 'hello.txt'));
    expect(requests[1]!.command).toBe('echo ran > marker.txt && echo MARKER-OK');
    expect(events.filter((e) => e.type === 'approval_resolved').map((e) => e.type === 'approval_resolved' && e.outcome)).toEqual(['allowed', 'allowed']);

    // Usage: context from usage_update, an estimated turn usage, cost from pricing.
    expect(events.some((e) => e.type === 'usage' && e.context?.used === 1200)).toBe(true);
    expect(result.usage.exact).toBe(false);
    expect(result.usage.output).toBeGreaterThan(0);
    const totals = session.usage();
    expect(totals).toMatchObject({ exact: false, contextSize: 262144 });
    expect(totals.output).toBe(result.usage.output);
    expect(totals.costUsd).toBeCloseTo((totals.input * 1 + totals.output * 2) / 1e6, 12);
  });

  it('a denied command does not run, and the denial is an event', async () => {
    const cwd = tempRepo();
    const { requests, approve } = recordingApprover((r) => ({ allow: !(r.command ?? '').includes('forbidden'), rule: 'test:no-forbidden', reason: 'forbidden' }));
    const session = await track(startFake(cwd, { scenario: 'fake-deny.json', approve }));
    const { events, result, text } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    expect(existsSync(path.join(cwd, 'forbidden.txt'))).toBe(false);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ kind: 'execute', command: 'touch forbidden.txt' });
    expect(events.find((e) => e.type === 'approval_resolved')).toMatchObject({ outcome: 'denied', rule: 'test:no-forbidden' });
    expect(events.find((e) => e.type === 'tool_call_completed')).toMatchObject({ status: 'failed' });
    expect(text).toContain('was denied');
  });

  it('an approval callback that throws counts as a denial', async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { scenario: 'fake-deny.json', approve: () => Promise.reject(new Error('policy broke')) }));
    const { events, result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    expect(existsSync(path.join(cwd, 'forbidden.txt'))).toBe(false);
    expect(events.find((e) => e.type === 'approval_resolved')).toMatchObject({ outcome: 'denied', rule: 'adapter:approval-error', reason: 'policy broke' });
  });

  it('cancel mid-turn settles the turn as cancelled, then close leaves no process', async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { scenario: 'fake-slow.json' }));
    const pid = session.pid!;
    const turn = session.prompt('start the long job');
    await waitForEvent(turn, (e) => e.type === 'tool_call_completed');
    expect(existsSync(path.join(cwd, 'started.txt'))).toBe(true);
    await session.cancel();
    const result = await turn.result;
    expect(result.stopReason).toBe('cancelled');
    expect(session.state).toBe('idle');

    // The session is still usable after a cancel.
    const again = await collect(session.prompt('once more'));
    expect(again.result.stopReason).toBe('end_turn');
    expect(processAndGroupGone(pid)).toBe(false);
    await session.close();
    expect(session.state).toBe('closed');
    expect(processAndGroupGone(pid)).toBe(true);
  });

  it('an aborted prompt signal cancels the turn', async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { scenario: 'fake-slow.json' }));
    const abort = new AbortController();
    const turn = session.prompt('start the long job', { signal: abort.signal });
    await waitForEvent(turn, (e) => e.type === 'text_delta');
    abort.abort();
    expect((await turn.result).stopReason).toBe('cancelled');
  });

  it('close mid-turn settles the turn as cancelled and kills the agent and its children', async () => {
    const cwd = tempRepo();
    const session = await startFake(cwd, { scenario: 'fake-slow.json' });
    const pid = session.pid!;
    const turn = session.prompt('start the long job');
    await waitForEvent(turn, (e) => e.type === 'tool_call_completed');
    await session.close();
    expect((await turn.result).stopReason).toBe('cancelled');
    expect(processAndGroupGone(pid)).toBe(true);
    // Callbacks after close do nothing, prompts after close are data.
    const late = await session.prompt('after close').result;
    expect(late).toMatchObject({ stopReason: 'error', error: { code: 'closed' } });
    await session.close(); // idempotent
  });

  it('a second prompt while a turn runs is a busy result, not a throw', async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { scenario: 'fake-slow.json' }));
    const first = session.prompt('start');
    const second = await session.prompt('again').result;
    expect(second).toMatchObject({ stopReason: 'error', error: { code: 'busy' } });
    await session.cancel();
    expect((await first.result).stopReason).toBe('cancelled');
  });

  it('handles kimi-code and codex quirks: step:call ids, UUID request ids, late usage, codex option ids', async () => {
    const cwd = tempRepo();
    const late: AgentEvent[] = [];
    let lateUsage!: () => void;
    const lateUsageSeen = new Promise<void>((resolve) => (lateUsage = resolve));
    const { requests, approve } = recordingApprover();
    const session = await track(
      startFake(cwd, {
        quirks: 'step_call_ids,uuid_ids,late_usage,codex_option_ids',
        approve,
        onOutOfTurnEvent: (e) => {
          late.push(e);
          if (e.type === 'usage' && e.context !== undefined) lateUsage();
        },
      }),
    );
    const { events, result } = await collect(session.prompt('default scenario'));
    expect(result.stopReason).toBe('end_turn');
    expect(existsSync(path.join(cwd, 'hello.txt'))).toBe(true);
    expect(requests).toHaveLength(2);
    const ids = events.filter((e) => e.type === 'tool_call_started').map((e) => (e.type === 'tool_call_started' ? e.callId : ''));
    expect(ids.every((id) => /^\d+:call_\d+$/.test(id))).toBe(true);
    // The usage_update comes after the prompt response: it reaches the out-of-turn listener and the
    // totals. Wait for it before the next prompt, or on a loaded machine it may land inside that turn.
    await lateUsageSeen;
    const second = await collect(session.prompt('again'));
    expect(second.result.stopReason).toBe('end_turn');
    expect(late.some((e) => e.type === 'usage' && e.context !== undefined)).toBe(true);
    expect(session.usage().contextUsed).toBeGreaterThan(0);
  });

  it('marks tool calls the agent never completed as incomplete at turn end', async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { fault: 'never_complete_tools' }));
    const { events, result } = await collect(session.prompt('go'));
    expect(result.stopReason).toBe('end_turn');
    expect(result.incompleteToolCalls).toHaveLength(2);
    const done = events.filter((e) => e.type === 'tool_call_completed');
    expect(done.map((e) => e.type === 'tool_call_completed' && e.status)).toEqual(['incomplete', 'incomplete']);
  });

  it('uses exact usage when the agent sends PromptResponse.usage', async () => {
    const cwd = tempRepo();
    const session = await track(startFake(cwd, { quirks: 'prompt_usage' }));
    const { result } = await collect(session.prompt('go'));
    expect(result.usage.exact).toBe(true);
    expect(result.usage.input).toBeGreaterThan(0);
    expect(session.usage().exact).toBe(true);
  });

  it('maps stop reasons and agent errors', async () => {
    const cwd = tempRepo();
    const scenario = path.join(cwd, 'stops.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      scenario,
      JSON.stringify({
        prompts: [
          { match: 'tokens', steps: [{ say: 'long' }], stop_reason: 'max_tokens' },
          { match: 'steps', steps: [{ say: 'many' }], stop_reason: 'max_turn_requests' },
          { match: 'refuse', steps: [{ say: 'no' }], stop_reason: 'refusal' },
          { match: 'fail', steps: [{ error: { code: -32603, message: 'model exploded' } }] },
        ],
      }),
    );
    const session = await track(startFake(cwd, { scenario }));
    expect((await session.prompt('tokens').result).stopReason).toBe('max_tokens');
    expect((await session.prompt('steps').result).stopReason).toBe('max_steps');
    expect((await session.prompt('refuse').result).stopReason).toBe('refusal');
    expect(await session.prompt('fail').result).toMatchObject({
      stopReason: 'error',
      error: { code: 'agent_error', message: 'model exploded', protocolCode: -32603 },
    });
  });
});
