// Engine adapter throughput figures. Each engine section adds its own figure to `figures`:
//   engines.acp.msgs_per_s     — ACP client: ndjson framing + SDK dispatch + update mapping
//   engines.wire.msgs_per_s    — Wire client: ndjson framing + JSON-RPC dispatch + event mapping
//   engines.openai.chunks_per_s — (builtin OpenAI-compatible adapter; added by its owner)
import { startAcpSession } from '../src/engines/acp/index.js';
import { startWireSession } from '../src/engines/wire/index.js';
import { encodeNdjson, NdjsonDecoder } from '../src/core/ndjson.js';
import type { Transport, TransportCloseInfo, TransportError } from '../src/engines/transport/transport.js';
import { startMemoryPeer } from '../test/engines/acp/memory-peer.js';
import { median, type Figure } from './figure.js';

// ---------------------------------------------------------------------------------------------
// ACP

const ACP_BURST = 20_000;
const ACP_ROUNDS = 5;

/**
 * A transport pair whose messages really go through ndjson text framing (encode, then a decoder fed
 * 64 KiB chunks), like a child's stdio without the process.
 */
function framedPair(): [Transport, Transport] {
  const ends = [new FramedEnd(), new FramedEnd()] as const;
  ends[0].peer = ends[1];
  ends[1].peer = ends[0];
  return [ends[0], ends[1]];
}

class FramedEnd implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TransportError) => void;
  onclose?: (info: TransportCloseInfo) => void;
  peer: FramedEnd | undefined;
  readonly pid = undefined;
  private readonly decoder = new NdjsonDecoder();
  private pending = '';
  private scheduled = false;
  private closed = false;
  start(): Promise<void> {
    return Promise.resolve();
  }
  send(message: unknown): Promise<void> {
    if (this.closed || !this.peer) return Promise.reject(new Error('closed'));
    this.peer.receive(encodeNdjson(message));
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    this.onclose?.({ reason: 'closed' });
    return Promise.resolve();
  }
  stderrTail(): string {
    return '';
  }
  private receive(text: string): void {
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const all = this.pending;
      this.pending = '';
      for (let i = 0; i < all.length && !this.closed; i += 65536) {
        for (const item of this.decoder.push(all.slice(i, i + 65536))) if (item.ok) this.onmessage?.(item.value);
      }
    });
  }
}

/** Messages per second from prompt to settled result, for a burst of `ACP_BURST` session/update chunks. */
async function acpRound(): Promise<number> {
  const [client, agent] = framedPair();
  startMemoryPeer(agent, (turn) => {
    for (let i = 0; i < ACP_BURST; i++) turn.update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `chunk ${i} ` } });
    return Promise.resolve('end_turn');
  });
  const session = await startAcpSession({ engine: 'bench', cwd: process.cwd(), transport: client, approve: () => Promise.resolve({ allow: true }) });
  const start = process.hrtime.bigint();
  const turn = session.prompt('burst');
  let count = 0;
  for await (const e of turn) if (e.type === 'text_delta') count++;
  await turn.result;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await session.close();
  if (count !== ACP_BURST) throw new Error(`expected ${ACP_BURST} text deltas, got ${count}`);
  return ACP_BURST / seconds;
}

async function acpMsgsPerSecond(): Promise<{ value: number; unit: string; burst: number; rounds: number }> {
  await acpRound(); // warm-up
  const rates: number[] = [];
  for (let i = 0; i < ACP_ROUNDS; i++) rates.push(await acpRound());
  return { value: median(rates), unit: 'msgs/s', burst: ACP_BURST, rounds: ACP_ROUNDS };
}

// ---------------------------------------------------------------------------------------------
// Wire (engines.wire.msgs_per_s): our JSON-RPC client, ndjson framing, event mapping, turn channel

const WIRE_BURST = 20_000;
const WIRE_ROUNDS = 5;

/** A Wire server on the agent end: answers `initialize`, and each `prompt` with a burst of ContentPart events. */
function wireBurstPeer(agent: Transport): void {
  agent.onmessage = (message) => {
    const m = message as { id?: string; method?: string };
    if (m.method === 'initialize') void agent.send({ jsonrpc: '2.0', id: m.id, result: { protocol_version: '1.10', server: { name: 'bench', version: '0' } } });
    if (m.method !== 'prompt') return;
    const event = (type: string, payload: unknown): void => void agent.send({ jsonrpc: '2.0', method: 'event', params: { type, payload } });
    event('TurnBegin', { user_input: 'burst' });
    event('StepBegin', { n: 1 });
    for (let i = 0; i < WIRE_BURST; i++) event('ContentPart', { type: 'text', text: `chunk ${i} ` });
    event('StatusUpdate', { token_usage: { input_other: 1, output: WIRE_BURST, input_cache_read: 0, input_cache_creation: 0 } });
    event('TurnEnd', {});
    void agent.send({ jsonrpc: '2.0', id: m.id, result: { status: 'finished' } });
  };
}

/** Messages per second from prompt to settled result, for a burst of `WIRE_BURST` ContentPart events. */
async function wireRound(): Promise<number> {
  const [client, agent] = framedPair();
  wireBurstPeer(agent);
  const session = await startWireSession({ engine: 'bench', cwd: process.cwd(), transport: client, approve: () => Promise.resolve({ allow: true }) });
  const start = process.hrtime.bigint();
  const turn = session.prompt('burst');
  let count = 0;
  for await (const e of turn) if (e.type === 'text_delta') count++;
  await turn.result;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await session.close();
  if (count !== WIRE_BURST) throw new Error(`expected ${WIRE_BURST} text deltas, got ${count}`);
  return WIRE_BURST / seconds;
}

async function wireMsgsPerSecond(): Promise<{ value: number; unit: string; burst: number; rounds: number }> {
  await wireRound(); // warm-up
  const rates: number[] = [];
  for (let i = 0; i < WIRE_ROUNDS; i++) rates.push(await wireRound());
  return { value: median(rates), unit: 'msgs/s', burst: WIRE_BURST, rounds: WIRE_ROUNDS };
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible (engines.openai.chunks_per_s) — to be added by the builtin adapter's owner.

export const figures: Figure[] = [
  { name: 'engines.acp.msgs_per_s', run: acpMsgsPerSecond },
  { name: 'engines.wire.msgs_per_s', run: wireMsgsPerSecond },
];
