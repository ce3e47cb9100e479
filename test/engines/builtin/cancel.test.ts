import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer } from '../../fixtures/model-server/index.js';
import { isGone, reap, waitFor } from '../../runtime/process/helpers.js';
import type { AgentEvent } from '../../../src/engines/session.js';
import { drain, SCENARIOS, SHARED_SCENARIOS, startSession, tempRepo } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('builtin engine: cancellation', () => {
  it('cancel() during a slow stream aborts the request and settles cancelled', async () => {
    const server = await startModelServer({ scenario: { steps: [{ content: 'one word at a time', chunk_size: 4, slow: 300 }] } });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const session = await startSession(server.url, repo.root);
    cleanups.push(() => session.close());

    const turn = session.prompt('go slowly');
    const events: AgentEvent[] = [];
    for await (const event of turn) {
      events.push(event);
      if (event.type === 'text_delta') await session.cancel();
    }
    const result = await turn.result;
    expect(result.stopReason).toBe('cancelled');
    expect(events.filter((e) => e.type === 'text_delta')).toHaveLength(1);
    expect((await server.waitForSettled(1)).outcome).toBe('client_closed');
    expect(session.state).toBe('idle');
  });

  it('cancelling a running bash call stops its whole process tree', async () => {
    const server = await startModelServer({ scenarioFile: path.join(SCENARIOS, 'cancel-bash.json'), port: 0 });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const controller = new AbortController();
    // The bash limit only bounds a broken cancel (the turn would then go on and fail the assertions).
    const session = await startSession(server.url, repo.root, { bash: { timeoutMs: 10_000 } });
    cleanups.push(() => session.close());

    const turn = session.prompt('run it', { signal: controller.signal });
    const pidFile = path.join(repo.root, 'child.pid');
    let shell: number | undefined;
    let child: number | undefined;
    cleanups.push(() => (reap(shell), reap(child)));
    const events: AgentEvent[] = [];
    for await (const event of turn) {
      events.push(event);
      if (event.type === 'tool_call_updated' && event.status === 'in_progress') {
        expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '')).toBe(true);
        shell = Number(readFileSync(path.join(repo.root, 'shell.pid'), 'utf8'));
        child = Number(readFileSync(pidFile, 'utf8'));
        expect(isGone(child)).toBe(false);
        controller.abort();
      }
    }
    const result = await turn.result;
    expect(result.stopReason).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ type: 'tool_call_completed', status: 'cancelled', kind: 'execute' });
    expect(await waitFor(() => isGone(shell!) && isGone(child!))).toBe(true);
    expect(server.requests).toHaveLength(1); // the cancelled turn made no further model call
  });

  it('close() mid-turn settles the turn cancelled and is idempotent', async () => {
    const server = await startModelServer({ scenarioFile: path.join(SHARED_SCENARIOS, 'faults.json'), port: 0 });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    const session = await startSession(server.url, repo.root);
    const turn = session.prompt('fault:hang');
    await server.waitForRequest(1);
    await Promise.all([session.close(), session.close()]);
    expect(session.state).toBe('closed');
    const { result } = await drain(turn);
    expect(result.stopReason).toBe('cancelled');
    expect((await server.waitForSettled(1)).outcome).toBe('client_closed');
  });

  it('cancelling while the approval callback is pending answers cancelled and runs nothing', async () => {
    const server = await startModelServer({ scenarioFile: path.join(SCENARIOS, 'deny.json'), port: 0 });
    const repo = tempRepo();
    cleanups.push(() => server.close(), repo.cleanup);
    let asked!: () => void;
    const askedPromise = new Promise<void>((resolve) => (asked = resolve));
    const approve = () => {
      asked();
      return new Promise<never>(() => undefined); // never answers
    };
    const session = await startSession(server.url, repo.root, { approve });
    cleanups.push(() => session.close());
    const turn = session.prompt('make the marker');
    await askedPromise;
    await session.cancel();
    const { events, result } = await drain(turn);
    expect(result.stopReason).toBe('cancelled');
    expect(events.find((e) => e.type === 'approval_resolved')).toMatchObject({ outcome: 'cancelled' });
    expect(existsSync(path.join(repo.root, 'forbidden-marker'))).toBe(false);
  });
});
