import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiCliLaunch, startAcpSession } from '../../../src/engines/acp/index.js';
import type { AgentEvent, AgentSession, ApprovalOutcome, ApprovalRequest } from '../../../src/engines/session.js';
import { startGeminiServer } from '../../fixtures/gemini-server/index.js';
import type { GeminiServer } from '../../fixtures/gemini-server/index.js';
import { GEMINI_JS, geminiCliInstalled, geminiHome } from '../../helpers/gemini-cli.js';
import { collect, processAndGroupGone, recordingApprover, SCENARIOS, tempRepo } from './helpers.js';

type Completed = Extract<AgentEvent, { type: 'tool_call_completed' }>;

describe.skipIf(!geminiCliInstalled)('ACP adapter against the real Gemini CLI (skipped when tools/gemini-cli is not installed)', () => {
  let server: GeminiServer;
  beforeAll(async () => {
    server = await startGeminiServer({ scenario: { steps: [{ content: 'unused' }] } });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** `gemini --acp` with GOOGLE_GEMINI_BASE_URL pointing at the scripted Gemini API server. */
  async function startGemini(scenarioFile: string, approve: (r: ApprovalRequest) => Promise<ApprovalOutcome>): Promise<{ session: AgentSession; cwd: string }> {
    server.setScenario(JSON.parse(readFileSync(path.join(SCENARIOS, scenarioFile), 'utf8')));
    const cwd = tempRepo('omk-gemini-');
    const home = geminiHome();
    const launch = geminiCliLaunch({ node: process.execPath, script: GEMINI_JS });
    const session = await startAcpSession({
      engine: 'gemini',
      cwd,
      ...launch,
      env: {
        ...launch.env,
        HOME: home,
        GEMINI_CLI_HOME: home,
        GEMINI_API_KEY: 'test-gemini-key',
        GOOGLE_GEMINI_BASE_URL: server.url,
        GEMINI_MODEL: 'gemini-2.5-pro',
      },
      approve,
      pricing: { input_per_mtok: 1.25, output_per_mtok: 10 },
      handshakeTimeoutMs: 30_000,
      graceMs: 1000,
    });
    return { session, cwd };
  }

  it('writes a new file, edits it, runs a command and reports the exact usage Gemini CLI counted', { timeout: 60_000 }, async () => {
    const { requests, approve } = recordingApprover();
    const { session, cwd } = await startGemini('gemini-edit-run.json', approve);
    try {
      expect(session.info).toMatchObject({ agentName: 'gemini-cli', protocolVersion: '1' });
      const before = server.requests.length;
      const { events, result, text } = await collect(session.prompt('create hello.txt, edit it and run the command'));
      expect(result.stopReason).toBe('end_turn');
      expect(readFileSync(path.join(cwd, 'hello.txt'), 'utf8')).toBe('greetings from gemini\n');
      expect(readFileSync(path.join(cwd, 'marker.txt'), 'utf8')).toBe('ran\n');
      expect(text).toContain('Wrote hello.txt, edited it and ran the command.');
      // Gemini CLI renders a thought part as `**subject**` + description.
      expect(events.some((e) => e.type === 'thinking_delta' && e.text.startsWith('**Creating the file**'))).toBe(true);
      // Gemini CLI writes the disk itself (omk serves it no fs) and asks before each edit and the command.
      const file = path.join(cwd, 'hello.txt');
      expect(requests.map((r) => [r.kind, r.kind === 'execute' ? r.command : r.paths])).toEqual([
        ['edit', [file]],
        ['edit', [file]],
        ['execute', 'echo ran > marker.txt && echo MARKER-OK'],
      ]);
      const done = events.filter((e): e is Completed => e.type === 'tool_call_completed');
      expect(done.map((e) => [e.kind, e.status])).toEqual([['edit', 'completed'], ['edit', 'completed'], ['execute', 'completed']]);
      expect(done[2]!.output).toContain('MARKER-OK');
      // The model was asked four times with the key; the tool results went back as functionResponse parts.
      const calls = server.requests.slice(before);
      expect(calls.map((r) => r.step)).toEqual([0, 1, 2, 3]);
      expect(calls.every((r) => r.path === '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse' && r.headers['x-goog-api-key'] === '[redacted]')).toBe(true);
      // Exact usage: Gemini CLI sums promptTokenCount / candidatesTokenCount of its model calls into
      // _meta.quota (cached tokens stay inside input).
      expect(result.usage.exact).toBe(true);
      expect(result.usage.input).toBeGreaterThan(5000);
      expect(result.usage.output).toBeGreaterThanOrEqual(12);
      expect(result.usage.cacheRead).toBe(0);
      expect(result.costUsd).toBeCloseTo((result.usage.input * 1.25 + result.usage.output * 10) / 1e6, 12);
      expect(session.usage()).toMatchObject({ exact: true, input: result.usage.input, output: result.usage.output });
    } finally {
      await session.close();
    }
  });

  it('a command the approval callback denies does not run, and its call ends failed', { timeout: 60_000 }, async () => {
    const { requests, approve } = recordingApprover((r) => ({ allow: !(r.command ?? '').includes('forbidden'), rule: 'test:deny', reason: 'not allowed here' }));
    const { session, cwd } = await startGemini('gemini-deny.json', approve);
    try {
      const { events, result, text } = await collect(session.prompt('try the forbidden command'));
      expect(result.stopReason).toBe('end_turn');
      // The command is only in the permission's title: that is what the policy checked.
      expect(requests.find((r) => r.kind === 'execute')?.command).toBe('touch forbidden.txt');
      expect(events.find((e) => e.type === 'approval_resolved')).toMatchObject({ outcome: 'denied', rule: 'test:deny' });
      expect(existsSync(path.join(cwd, 'forbidden.txt'))).toBe(false);
      expect(events.find((e) => e.type === 'tool_call_completed')).toMatchObject({ kind: 'execute', status: 'failed', command: 'touch forbidden.txt' });
      expect(result.incompleteToolCalls).toBeUndefined();
      expect(text).toContain('refused');
    } finally {
      await session.close();
    }
  });

  it('cancel mid-turn ends the turn as cancelled; close leaves no process', { timeout: 60_000 }, async () => {
    const { session } = await startGemini('gemini-hang.json', recordingApprover().approve);
    const pid = session.pid!;
    try {
      const before = server.requests.length;
      const turn = session.prompt('this will hang');
      await server.waitForRequest(before + 1);
      await session.cancel();
      expect((await turn.result).stopReason).toBe('cancelled');
      // Gemini CLI aborted its model request when told to cancel.
      expect((await server.waitForSettled(before + 1)).outcome).toBe('client_closed');
    } finally {
      await session.close();
    }
    expect(processAndGroupGone(pid)).toBe(true);
  });
});
