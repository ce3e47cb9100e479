// engines.openai.chunks_per_s: the builtin engine's SSE parsing + stream assembly + event dispatch,
// for one turn over an in-process stream of many small chunks (no network, no model).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBuiltinSession } from '../src/engines/builtin/index.js';
import { median, type Figure } from './figure.js';

const CHUNKS = 50_000;
const ROUNDS = 5;

/** The SSE body of one streamed reply: CHUNKS content deltas, then a stop chunk with usage. */
function sseBody(): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // Several events per enqueue, like a real socket read, split at arbitrary points.
      let text = '';
      for (let k = 0; k < 64 && i < CHUNKS; k++, i++) {
        text += `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `c${i} ` } }] })}\n\n`;
      }
      if (i >= CHUNKS) {
        text += `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: CHUNKS, total_tokens: CHUNKS + 10 } })}\n\ndata: [DONE]\n\n`;
        controller.enqueue(encoder.encode(text));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(text));
    },
  });
}

const fakeFetch: typeof fetch = () =>
  Promise.resolve(new Response(sseBody(), { status: 200, headers: { 'content-type': 'text/event-stream' } }));

async function round(cwd: string): Promise<number> {
  const session = await startBuiltinSession({
    engine: 'bench',
    cwd,
    model: 'bench-model',
    apiKey: 'bench-key',
    baseUrl: 'http://127.0.0.1:9/v1',
    fetch: fakeFetch,
    approve: () => Promise.resolve({ allow: true }),
  });
  const start = process.hrtime.bigint();
  const turn = session.prompt('go');
  let deltas = 0;
  for await (const e of turn) if (e.type === 'text_delta') deltas++;
  const result = await turn.result;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await session.close();
  if (result.stopReason !== 'end_turn' || deltas === 0) throw new Error(`turn ended ${result.stopReason} after ${deltas} deltas`);
  return CHUNKS / seconds;
}

async function chunksPerSecond() {
  const cwd = mkdtempSync(path.join(tmpdir(), 'omk-bench-openai-'));
  await round(cwd); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(await round(cwd));
  return { value: median(rates), unit: 'chunks/s', chunks: CHUNKS, rounds: ROUNDS };
}

export const figures: Figure[] = [{ name: 'engines.openai.chunks_per_s', run: chunksPerSecond }];
