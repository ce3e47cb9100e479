import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAcpSession } from '../../../src/engines/acp/index.js';
import { createMemoryTransportPair } from '../../../src/engines/transport/index.js';
import type { ApprovalRequest } from '../../../src/engines/session.js';
import { collect, recordingApprover, tempDir, tempRepo } from './helpers.js';
import { startMemoryPeer } from './memory-peer.js';
import type { PeerTurn } from './memory-peer.js';

/** Runs one turn in which the in-process agent does `script`, and returns what it got back. */
async function withAgent<T>(cwd: string, script: (turn: PeerTurn) => Promise<T>, decide?: (r: ApprovalRequest) => { allow: boolean }) {
  const [client, agent] = createMemoryTransportPair();
  let out!: T;
  startMemoryPeer(agent, async (turn) => {
    out = await script(turn);
    return 'end_turn';
  });
  const approver = recordingApprover(decide);
  const session = await startAcpSession({ engine: 'mem', cwd, transport: client, approve: approver.approve });
  const { events } = await collect(session.prompt('go'));
  await session.close();
  return { out, events, requests: approver.requests };
}

describe('fs/* served only inside the session directory', () => {
  it('reads inside, with line and limit', async () => {
    const cwd = tempRepo();
    writeFileSync(path.join(cwd, 'a.txt'), 'one\ntwo\nthree\n');
    const { out } = await withAgent(cwd, async (t) => [
      await t.request('fs/read_text_file', { path: path.join(cwd, 'a.txt') }),
      await t.request('fs/read_text_file', { path: path.join(cwd, 'a.txt'), line: 2, limit: 1 }),
      await t.request('fs/read_text_file', { path: path.join(cwd, 'missing.txt') }),
    ]);
    expect(out[0]!.result).toEqual({ content: 'one\ntwo\nthree\n' });
    expect(out[1]!.result).toEqual({ content: 'two' });
    expect(out[2]!.error?.code).toBe(-32002);
  });

  it('refuses `..`, absolute and symlink escapes with a JSON-RPC error', async () => {
    const cwd = tempRepo();
    const outside = tempDir('omk-outside-');
    writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, path.join(cwd, 'link'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(cwd, 'file-link'));
    const { out } = await withAgent(cwd, async (t) => [
      await t.request('fs/read_text_file', { path: path.join(cwd, '..', path.basename(outside), 'secret.txt') }),
      await t.request('fs/read_text_file', { path: path.join(outside, 'secret.txt') }),
      await t.request('fs/read_text_file', { path: path.join(cwd, 'link', 'secret.txt') }),
      await t.request('fs/read_text_file', { path: path.join(cwd, 'file-link') }),
      await t.request('fs/write_text_file', { path: path.join(cwd, 'link', 'planted.txt'), content: 'x' }),
      await t.request('fs/write_text_file', { path: '/etc/omk-should-not-exist', content: 'x' }),
    ]);
    for (const reply of out) {
      expect(reply.result).toBeUndefined();
      expect(reply.error?.code).toBe(-32602);
      expect(reply.error?.message).toContain('outside the session directory');
    }
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false);
  });

  it('writes inside go through the approval callback; a denied write does not happen', async () => {
    const cwd = tempRepo();
    mkdirSync(path.join(cwd, 'src'));
    const { out, requests, events } = await withAgent(
      cwd,
      async (t) => [
        await t.request('fs/write_text_file', { path: path.join(cwd, 'src', 'new', 'ok.txt'), content: 'fine\n' }),
        await t.request('fs/write_text_file', { path: path.join(cwd, 'denied.txt'), content: 'nope\n' }),
      ],
      (r) => ({ allow: !r.paths.some((p) => p.endsWith('denied.txt')) }),
    );
    expect(out[0]!.error).toBeUndefined();
    expect(readFileSync(path.join(cwd, 'src', 'new', 'ok.txt'), 'utf8')).toBe('fine\n');
    expect(out[1]!.error?.code).toBe(-32003);
    expect(existsSync(path.join(cwd, 'denied.txt'))).toBe(false);
    expect(requests.map((r) => r.kind)).toEqual(['edit', 'edit']);
    expect(events.filter((e) => e.type === 'approval_resolved').map((e) => e.type === 'approval_resolved' && e.outcome)).toEqual(['allowed', 'denied']);
  });

  it('answers terminal/* and unknown methods with -32601, and keeps unknown updates as raw', async () => {
    const cwd = tempRepo();
    const { out, events } = await withAgent(cwd, async (t) => {
      t.update({ sessionUpdate: 'some_future_update', detail: 42 });
      t.send({ not: 'json-rpc' });
      return [await t.request('terminal/create', { command: 'ls', args: [] }), await t.request('x/unknown', {})];
    });
    expect(out.map((r) => r.error?.code)).toEqual([-32601, -32601]);
    expect(events.some((e) => e.type === 'raw' && JSON.stringify(e.message).includes('some_future_update'))).toBe(true);
    expect(events.some((e) => e.type === 'raw' && JSON.stringify(e.message).includes('json-rpc'))).toBe(true);
  });
});
