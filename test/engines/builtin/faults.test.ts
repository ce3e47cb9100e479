import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../fixtures/model-server/index.js';
import type { AgentEvent } from '../../../src/engines/session.js';
import { startBuiltinSession } from '../../../src/engines/builtin/index.js';
import { OmkError } from '../../../src/core/errors.js';
import { drain, instantSleep, SCENARIOS, SHARED_SCENARIOS, startSession, tempRepo, TEST_KEY, textOf } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function faultServer(): Promise<{ server: ModelServer; root: string }> {
  const server = await startModelServer({ scenarioFile: path.join(SHARED_SCENARIOS, 'faults.json'), port: 0 });
  const repo = tempRepo();
  cleanups.push(() => server.close(), repo.cleanup);
  return { server, root: repo.root };
}

function notices(events: AgentEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'notice' ? [e.text] : []));
}

describe('builtin engine: faults are results, never hangs', () => {
  it('retries 429 (honouring Retry-After), 503 and a stream cut before any output, then succeeds', async () => {
    const server = await startModelServer({ scenarioFile: path.join(SCENARIOS, 'retry.json'), port: 0 });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const sleep = instantSleep();
    const session = await startSession(server.url, repo.root, { retry: { maxRetries: 3, baseDelayMs: 10, sleep: sleep.sleep } });
    cleanups.push(() => session.close());

    const { events, result } = await drain(session.prompt('hello'));

    expect(result.stopReason).toBe('end_turn');
    expect(textOf(events)).toBe('Hello after three retries');
    expect(server.requests).toHaveLength(4);
    expect(sleep.delays[0]).toBe(2000); // Retry-After: 2
    expect(sleep.delays).toHaveLength(3);
    const texts = notices(events);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/rate limited.*HTTP 429.*retrying in 2\.0 s \(retry 1 of 3\)/);
    expect(texts[1]).toMatch(/HTTP 503.*retry 2 of 3/);
    expect(texts[2]).toMatch(/broke mid-reply.*retry 3 of 3/);
    expect(result.usage).toMatchObject({ input: 10, output: 5, exact: true });
  });

  it('gives up after the retry budget with a retryable error', async () => {
    const { server, root } = await faultServer();
    const sleep = instantSleep();
    const session = await startSession(server.url, root, { retry: { maxRetries: 2, sleep: sleep.sleep } });
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('fault:500'));
    expect(result).toMatchObject({ stopReason: 'error', error: { code: 'server_error', retryable: true, protocolCode: 500 } });
    expect(result.error?.message).toMatch(/gave up after 2 retries/);
    expect(server.requests).toHaveLength(3);
  });

  it('401 is an error naming the key variable and how to set it, never the key', async () => {
    const server = await startModelServer({ scenario: { api_key: 'the-right-key', steps: [{ content: 'hi' }] } });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const session = await startSession(server.url, repo.root);
    cleanups.push(() => session.close());

    const { events, result } = await drain(session.prompt('hello'));

    expect(result).toMatchObject({ stopReason: 'error', error: { code: 'auth_required', protocolCode: 401 } });
    expect(result.error?.message).toContain('MOONSHOT_API_KEY');
    expect(result.error?.message).toContain('export MOONSHOT_API_KEY=');
    expect(JSON.stringify({ result, events })).not.toContain(TEST_KEY);
    expect(server.requests).toHaveLength(1); // not retried
  });

  it('400 is an error with the server message, not retried', async () => {
    const { server, root } = await faultServer();
    const session = await startSession(server.url, root);
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('fault:400'));
    expect(result).toMatchObject({ stopReason: 'error', error: { code: 'bad_request', protocolCode: 400 } });
    expect(result.error?.message).toContain('Invalid request: scripted');
    expect(server.requests).toHaveLength(1);
  });

  it('tolerates a malformed chunk: the answer completes, the garbage is kept as raw with a warning', async () => {
    const { server, root } = await faultServer();
    const session = await startSession(server.url, root);
    cleanups.push(() => session.close());
    const { events, result } = await drain(session.prompt('fault:malformed'));
    expect(result.stopReason).toBe('end_turn');
    expect(textOf(events)).toBe('An answer with a garbage line in the middle.');
    expect(events.some((e) => e.type === 'raw')).toBe(true);
    expect(notices(events)).toEqual(['the model stream contained a chunk that is not JSON; it was skipped']);
  });

  it('a hanging server ends the turn with timeout and the request is closed', async () => {
    const { server, root } = await faultServer();
    const session = await startSession(server.url, root, { requestTimeoutMs: 300 });
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('fault:hang'));
    expect(result).toMatchObject({ stopReason: 'timeout', error: { code: 'timeout' } });
    expect((await server.waitForSettled(1)).outcome).toBe('client_closed');
  });

  it('a disconnect after output was shown is an error (partial reply discarded), not a hang', async () => {
    const { server, root } = await faultServer();
    const session = await startSession(server.url, root);
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('fault:disconnect'));
    expect(result).toMatchObject({ stopReason: 'error', error: { code: 'stream_interrupted', retryable: true } });
    expect(result.error?.message).toMatch(/broke mid-reply.*partial reply discarded/);
    expect(server.requests).toHaveLength(1);
  });

  it('finish_reason length ends the turn with max_tokens', async () => {
    const { server, root } = await faultServer();
    const session = await startSession(server.url, root);
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('fault:length'));
    expect(result.stopReason).toBe('max_tokens');
  });

  it('stops with max_steps when the model keeps calling tools', async () => {
    const server = await startModelServer({
      scenario: { steps: [{ repeat: 'forever', tool_calls: [{ name: 'list_dir', arguments: { path: '.' } }] }] },
    });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const session = await startSession(server.url, repo.root, { maxSteps: 3 });
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('loop'));
    expect(result.stopReason).toBe('max_steps');
    expect(server.requests).toHaveLength(3);
  });

  it('an unreachable server is a network error after retries', async () => {
    const { server, root } = await faultServer();
    const url = server.url;
    await server.close();
    const session = await startSession(url, root, { retry: { maxRetries: 1, sleep: () => Promise.resolve() } });
    cleanups.push(() => session.close());
    const { result } = await drain(session.prompt('hello'));
    expect(result).toMatchObject({ stopReason: 'error', error: { code: 'network_error', retryable: true } });
    expect(result.error?.message).toMatch(/could not reach .*ECONNREFUSED/);
  });

  it('starting without an API key throws, naming the variables', async () => {
    const repo = tempRepo();
    cleanups.push(repo.cleanup);
    const start = startBuiltinSession({ engine: 'kimi-api', cwd: repo.root, model: 'm', env: {}, approve: () => Promise.resolve({ allow: true }) });
    await expect(start).rejects.toBeInstanceOf(OmkError);
    await expect(start).rejects.toThrow(/MOONSHOT_API_KEY or KIMI_API_KEY/);
    const fromKimi = await startBuiltinSession({ engine: 'k', cwd: repo.root, model: 'm', env: { KIMI_API_KEY: 'x' }, approve: () => Promise.resolve({ allow: true }) });
    expect(fromKimi.state).toBe('idle');
  });
});
