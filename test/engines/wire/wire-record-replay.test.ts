import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../../src/engines/transport/index.js';
import type { Transport, TransportError } from '../../../src/engines/transport/index.js';
import type { AgentEvent, TurnResult } from '../../../src/engines/session.js';
import { startWireSession } from '../../../src/engines/wire/index.js';
import type { WireSession } from '../../../src/engines/wire/index.js';
import { drain, recordingApprover, startFake, tempRepo } from './helpers.js';

const SCENARIO = {
  prompts: [
    { match: '^edit', steps: [{ think: 'plan it' }, { say: 'Writing.' }, { edit: { path: 'a.txt', content: 'A\n' } }, { say: 'Done.' }] },
    { match: '^rm', steps: [{ run: { command: 'rm a.txt' } }] },
  ],
};

async function session(s: WireSession): Promise<Array<{ events: AgentEvent[]; result: TurnResult }>> {
  const turns = [await drain(s.prompt('edit a')), await drain(s.prompt('rm a'))];
  await s.close();
  return turns;
}

/** `inner`, with every transport error also copied to `sink` (the session owns `onerror`). */
function tapErrors(inner: Transport, sink: (e: TransportError) => void): Transport {
  return {
    get pid() {
      return inner.pid;
    },
    start: () => inner.start(),
    send: (m) => inner.send(m),
    close: () => inner.close(),
    stderrTail: () => inner.stderrTail(),
    set onmessage(f: Transport['onmessage']) {
      inner.onmessage = f;
    },
    set onerror(f: Transport['onerror']) {
      inner.onerror = (e) => {
        sink(e);
        f?.(e);
      };
    },
    set onclose(f: Transport['onclose']) {
      inner.onclose = f;
    },
  };
}

describe('Wire session: record and replay', () => {
  it('a recorded session replays through the replay transport with the same normalised events', async () => {
    const r = tempRepo();
    try {
      const transcript = path.join(r.aux, 'wire.transcript.jsonl');
      const live = await session(await startFake(r, { scenario: SCENARIO, transcriptFile: transcript, approve: recordingApprover().approve }));
      expect(live.map((t) => t.result.stopReason)).toEqual(['end_turn', 'end_turn']);
      expect(live[1]!.events).toContainEqual(expect.objectContaining({ type: 'approval_resolved', outcome: 'denied' }));
      expect(r.read('a.txt')).toBe('A\n');

      const replay = new ReplayTransport(transcript);
      const mismatches: TransportError[] = [];
      const replayed = await session(
        await startWireSession({
          engine: 'kimi',
          cwd: r.dir,
          sessionId: 'test-session',
          approve: recordingApprover().approve,
          transport: tapErrors(replay, (e) => mismatches.push(e)),
        }),
      );
      expect(mismatches.filter((m) => m.kind === 'replay_mismatch')).toEqual([]);
      expect(replayed).toEqual(live);
      expect(replay.finished).toBe(true);
    } finally {
      r.cleanup();
    }
  });
});
