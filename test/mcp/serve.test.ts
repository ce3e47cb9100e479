import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../fixtures/model-server/index.js';
import { BUILT, processesUnder, runOmkChild, statelessFixScenario, until, isRunning } from '../runtime/goal/cli-child.js';
import { builtinConfig, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';
import { callWithProgress, httpClient, httpServer, stdioClient, textOf } from './mcp-client.js';

type Server = Awaited<ReturnType<typeof startModelServer>>;
const GOAL = 'fix the failing test in math.js';

interface GoalRun {
  goal_id: string;
  pid: number | null;
}

/** goal_run → goal_wait (with progress) → goal_proof → the proof resource, the same over either transport. */
async function runGoalToReady(client: Client, repo: SampleRepo): Promise<string> {
  // Listing first makes the client check every structured result against the tool's output schema.
  expect((await client.listTools()).tools.length).toBeGreaterThan(5);
  const run = await client.callTool({ name: 'goal_run', arguments: { request: GOAL } });
  expect(run.isError, textOf(run as never)).toBeFalsy();
  const started = run.structuredContent as GoalRun;
  expect(started.goal_id).toMatch(/^g-\d{8}-\d{6}-[0-9a-f]{4}$/);

  const { result, progress } = await callWithProgress(client, 'goal_wait', { goal_id: started.goal_id, timeout_s: 90 });
  const log = readFileSync(path.join(repo.root, '.omk', 'goals', started.goal_id, 'controller.log'), 'utf8');
  expect(result.isError, `${textOf(result)}\n${log}`).toBeFalsy();
  const waited = result.structuredContent as { status: string; ended: boolean; timed_out: boolean; view: { goal_id: string } };
  expect(waited).toMatchObject({ status: 'ready', ended: true, timed_out: false });
  expect(waited.view.goal_id).toBe(started.goal_id);
  // One notification per committed event, in order, the verdict among them.
  expect(progress.length).toBeGreaterThan(3);
  expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
  expect(progress.some((p) => p.message?.includes('goal.created'))).toBe(true);
  expect(progress.some((p) => p.message?.includes('proof.written'))).toBe(true);

  const proof = await client.callTool({ name: 'goal_proof', arguments: { goal_id: started.goal_id } });
  expect(proof.isError, textOf(proof as never)).toBeFalsy();
  const doc = proof.structuredContent as { proof: { status: string }; verify: { ok: boolean }; markdown: string };
  expect(doc.proof.status).toBe('ready');
  expect(doc.verify.ok).toBe(true);

  const uri = `omk://goals/${started.goal_id}/proof.json`;
  const listed = await client.listResources();
  expect(listed.resources.map((r) => r.uri)).toContain(uri);
  const read = await client.readResource({ uri });
  const content = read.contents[0] as { text: string; mimeType: string };
  expect(content.mimeType).toBe('application/json');
  expect(content.text).toBe(readFileSync(path.join(repo.root, '.omk', 'goals', started.goal_id, 'proof.json'), 'utf8'));
  const timeline = await client.readResource({ uri: `omk://goals/${started.goal_id}/timeline` });
  expect((timeline.contents[0] as { text: string }).text).toContain('goal.created');
  return started.goal_id;
}

describe.skipIf(!BUILT)('omk mcp serve (the SDK client on the built binary; needs npm run build)', () => {
  let repo: SampleRepo;
  let server: Server | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await server?.close();
    server = undefined;
    repo.cleanup();
  });

  it('stdio: goal_run + goal_wait reach ready with progress; the proof verifies and is a resource; bad arguments are tool errors', { timeout: 120_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(10) });
    repo.writeConfig(builtinConfig(server.url));
    const { client, stderr } = await stdioClient(repo.root, repo.env);
    closers.push(() => client.close());

    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['ask', 'gates_run', 'goal_accept', 'goal_cancel', 'goal_list', 'goal_pause', 'goal_proof', 'goal_reject', 'goal_replay', 'goal_resume', 'goal_run', 'goal_status', 'goal_wait'].sort());
    const goalId = await runGoalToReady(client, repo);

    const status = await client.callTool({ name: 'goal_status', arguments: { goal_id: goalId } });
    expect((status.structuredContent as { status: string }).status).toBe('ready');
    const list = await client.callTool({ name: 'goal_list', arguments: {} });
    expect((list.structuredContent as { goals: Array<{ goal_id: string }> }).goals.map((g) => g.goal_id)).toEqual([goalId]);

    // A bad argument: a tool error naming the field, and the server carries on.
    const bad = await client.callTool({ name: 'goal_wait', arguments: { goal_id: goalId, timeout_s: 'soon' } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad as never)).toContain('timeout_s');
    // omk's own errors carry its code and fix.
    const missing = await client.callTool({ name: 'goal_status', arguments: { goal_id: 'g-nope' } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing as never)).toMatch(/^\[not_found\] /);
    expect((missing._meta as Record<string, { code: string }>)['omk/error']!.code).toBe('not_found');
    const paused = await client.callTool({ name: 'goal_pause', arguments: { goal_id: goalId } });
    expect(paused.isError).toBe(true);
    expect(textOf(paused as never)).toContain('[failed]');
    expect((await client.callTool({ name: 'goal_status', arguments: {} })).isError).toBeFalsy();
    expect(stderr()).not.toContain('internal error');
  });

  it('read-only mode offers only the tools that read, and still serves proofs', { timeout: 60_000 }, async () => {
    repo = sampleRepo();
    repo.writeConfig('[mcp.serve]\nmode = "read-only"\n');
    const { client } = await stdioClient(repo.root, repo.env);
    closers.push(() => client.close());
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['goal_list', 'goal_proof', 'goal_replay', 'goal_status', 'goal_wait']);
    const run = await client.callTool({ name: 'goal_run', arguments: { request: GOAL } });
    expect(run.isError).toBe(true);
    expect(textOf(run as never)).toContain('goal_run');
    // Nothing started: no goal exists.
    const list = await client.callTool({ name: 'goal_list', arguments: {} });
    expect(list.isError).toBe(true);
    expect(textOf(list as never)).toContain('[not_found]');
  });

  it('http: the token is required (401 without, 403 wrong); with it a goal runs to ready', { timeout: 120_000 }, async () => {
    repo = sampleRepo();
    server = await startModelServer({ scenario: statelessFixScenario(10) });
    repo.writeConfig(builtinConfig(server.url));
    const http = await httpServer(repo.root, repo.env);
    closers.push(async () => {
      http.child.child.kill('SIGTERM');
      await http.child.done;
    });
    expect(new URL(http.url).hostname).toBe('127.0.0.1');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    expect((await fetch(http.url, { method: 'POST', headers, body })).status).toBe(401);
    expect((await fetch(http.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong' }, body })).status).toBe(403);
    expect((await fetch(http.url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${http.token}`, origin: 'http://evil.example' }, body })).status).toBe(403);

    const client = await httpClient(http.url, http.token);
    closers.push(() => client.close());
    const goalId = await runGoalToReady(client, repo);
    expect(goalId).toMatch(/^g-/);
    const pid = http.child.child.pid!;
    http.child.child.kill('SIGTERM');
    await http.child.done;
    expect(await until(() => !isRunning(pid), 10_000)).toBe(true);
    expect(processesUnder(path.dirname(repo.root))).toEqual([]);
  });

  it('a stdio server exits when its client goes away', { timeout: 30_000 }, async () => {
    repo = sampleRepo();
    const { client } = await stdioClient(repo.root, repo.env);
    await client.close();
    expect(await until(() => processesUnder(path.dirname(repo.root)).length === 0, 10_000)).toBe(true);
    expect((await runOmkChild(['mcp', 'serve', '--port', '1'], repo.root, repo.env)).code).toBe(2);
  });
});
