import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventTranscript } from '../../../src/app/event-transcript.js';
import { createMemoryTransportPair, RecordingTransport } from '../../../src/engines/transport/index.js';
import { acpStreamedText, wireStreamedText } from '../../../src/engines/transport/streamed-text.js';

const acpChunk = (text: string): unknown => ({ jsonrpc: '2.0', method: 'session/update', params: { sessionId: 's', update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } } } });
const wireChunk = (text: string): unknown => ({ jsonrpc: '2.0', method: 'event', params: { type: 'ContentPart', payload: { type: 'text', text } } });

/** Sends `pieces` from the agent side, then one other message and a close; returns the transcript text. */
async function record(pieces: unknown[], streamed: typeof acpStreamedText): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'omk-rec-')), 't.jsonl');
  const [client, agent] = createMemoryTransportPair();
  const rec = new RecordingTransport(client, { file, streamedText: streamed });
  const seen: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    rec.onmessage = (m) => {
      seen.push(m);
      if (seen.length === pieces.length + 1) resolve();
    };
  });
  await rec.start();
  for (const p of pieces) await agent.send(p);
  await agent.send({ jsonrpc: '2.0', id: 1, result: { stopReason: 'end_turn' } });
  await done;
  await rec.close();
  return readFileSync(file, 'utf8');
}

describe('streamed text is redacted as one stream in transcripts', () => {
  const key = `sk-${randomBytes(20).toString('hex')}`;
  const splits = [
    [`the key is ${key.slice(0, 6)}`, key.slice(6, 20), `${key.slice(20)} ok`],
    ['the key is ', key.slice(0, 2), key.slice(2), '\n'],
    [`API_KEY=`, key.slice(0, 10), `${key.slice(10)}\n`],
  ];

  it.each(splits.map((s, i) => [i, s] as const))('ACP chunks, split %i: the key appears nowhere, the rest of the text is kept', async (_i, split) => {
    const text = await record(split.map(acpChunk), acpStreamedText);
    expect(text).not.toContain(key.slice(0, 16));
    expect(text).not.toContain(key.slice(-12));
    expect(text).toContain('[REDACTED]');
  });

  it('Wire ContentPart pieces: the same', async () => {
    const text = await record(splits[0]!.map(wireChunk), wireStreamedText);
    expect(text).not.toContain(key.slice(-12));
    expect(text).toContain('[REDACTED]');
  });

  it('text without a secret keeps its pieces exactly as they came (replays see the same chunks)', async () => {
    const pieces = ['hello ', 'from the', ' fake ', 'agent'];
    const text = await record(pieces.map(acpChunk), acpStreamedText);
    const recorded = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { message?: { params?: { update?: { content?: { text: string } } } } });
    expect(recorded.flatMap((r) => (r.message?.params?.update?.content ? [r.message.params.update.content.text] : []))).toEqual(pieces);
  });

  it('the builtin engine event transcript: text deltas split inside a key', () => {
    const t = new EventTranscript();
    let out = '';
    for (const piece of ['token ', key.slice(0, 5), key.slice(5), ' end']) out += t.lines({ type: 'text_delta', text: piece });
    out += t.lines({ type: 'tool_call_started', id: 'c', kind: 'execute', title: `echo ${key}`, command: `echo ${key}` } as never);
    out += t.end();
    expect(out).not.toContain(key.slice(-12));
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('end');
  });
});
