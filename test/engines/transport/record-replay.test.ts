import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAcpSession } from '../../../src/engines/acp/index.js';
import { readTranscript, ReplayTransport } from '../../../src/engines/transport/index.js';
import type { TransportError } from '../../../src/engines/transport/index.js';
import { collect, recordingApprover, startFake, tempDir, tempRepo } from '../acp/helpers.js';

describe('record and replay', () => {
  it('a recorded fake-agent session replays to the same normalised events', async () => {
    const cwd = tempRepo();
    const transcript = path.join(tempDir(), 'run', 'transcript.jsonl');
    const live = await startFake(cwd, { scenario: 'fake-edit-run.json', transcriptFile: transcript });
    const recorded = await collect(live.prompt('please do the thing'));
    await live.close();
    expect(recorded.result.stopReason).toBe('end_turn');

    const records = readTranscript(transcript);
    expect(records[0]).toMatchObject({ type: 'header', version: 1, meta: { engine: 'fake-acp', protocol: 'acp' } });
    const dirs = new Set(records.flatMap((r) => (r.type === 'message' ? [r.dir] : [])));
    expect(dirs).toEqual(new Set(['in', 'out']));
    expect(records.at(-1)).toMatchObject({ type: 'close', info: { reason: 'closed' } });
    const times = records.flatMap((r) => ('t' in r ? [r.t] : []));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // Replay: no agent process; the adapter sees the same messages and yields the same events.
    rmSync(path.join(cwd, 'hello.txt'));
    const replay = new ReplayTransport(transcript);
    const mismatches: TransportError[] = [];
    const session = await startAcpSession({ engine: 'fake-acp', cwd, transport: replay, approve: recordingApprover().approve });
    const inner = replay.onerror;
    replay.onerror = (e) => {
      mismatches.push(e);
      inner?.(e);
    };
    expect(session.pid).toBeUndefined();
    const replayed = await collect(session.prompt('please do the thing'));
    await session.close();
    expect(replayed.events).toEqual(recorded.events);
    expect(replayed.result).toEqual(recorded.result);
    expect(mismatches).toEqual([]);
    // The agent's fs/write_text_file was replayed against the client too.
    expect(readFileSync(path.join(cwd, 'hello.txt'), 'utf8')).toBe('hello from the fake agent\n');
  });

  it('transcripts are redacted', async () => {
    const cwd = tempRepo();
    const transcript = path.join(tempDir(), 't.jsonl');
    const session = await startFake(cwd, { transcriptFile: transcript });
    await collect(session.prompt('my key is sk-abcdefghijklmnopqrstuvwxyz0123'));
    await session.close();
    const text = readFileSync(transcript, 'utf8');
    expect(text).not.toContain('sk-abcdefghijklmnopqrstuvwxyz0123');
    expect(text).toContain('[REDACTED]');
  });

  it('a client message the recording does not have is reported as a mismatch, not fatal', async () => {
    const replay = new ReplayTransport([
      { type: 'message', t: 0, dir: 'out', message: { jsonrpc: '2.0', id: 0, method: 'initialize' } },
      { type: 'message', t: 1, dir: 'in', message: { jsonrpc: '2.0', id: 0, result: {} } },
    ]);
    const errors: TransportError[] = [];
    const messages: unknown[] = [];
    replay.onerror = (e) => errors.push(e);
    replay.onmessage = (m) => messages.push(m);
    await replay.start();
    await replay.send({ jsonrpc: '2.0', id: 0, method: 'session/new' });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(errors[0]).toMatchObject({ kind: 'replay_mismatch', message: 'expected method initialize, got session/new' });
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 0, result: {} }]);
    await replay.close();
  });
});
