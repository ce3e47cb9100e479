import type { Transport } from '../../../src/engines/transport/transport.js';

type Msg = { jsonrpc?: string; id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { code: number; message: string } };

/** What a prompt handler can do: send updates and requests to the client, like an agent. */
export interface PeerTurn {
  sessionId: string;
  update(update: Record<string, unknown>): void;
  request(method: string, params: Record<string, unknown>): Promise<Msg>;
  /** Sends a raw message (anything) to the client. */
  send(message: unknown): void;
}

/**
 * A minimal in-process ACP agent on one end of a memory transport pair: answers initialize and
 * session/new, and runs `onPrompt` for each session/prompt, answering with its stop reason.
 */
export function startMemoryPeer(transport: Transport, onPrompt: (turn: PeerTurn) => Promise<string>): void {
  let nextId = 0;
  const pending = new Map<unknown, (m: Msg) => void>();
  const sessionId = 'session_mem';
  const send = (m: unknown): void => void transport.send(m).catch(() => {});
  const turn: PeerTurn = {
    sessionId,
    update: (update) => send({ jsonrpc: '2.0', method: 'session/update', params: { sessionId, update } }),
    request: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        send({ jsonrpc: '2.0', id, method, params: { sessionId, ...params } });
      }),
    send,
  };
  transport.onmessage = (raw) => {
    const m = raw as Msg;
    if (m.method === undefined) {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
      return;
    }
    if (m.method === 'initialize') send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: 1, agentCapabilities: {}, agentInfo: { name: 'memory-peer', version: '1' } } });
    else if (m.method === 'session/new') send({ jsonrpc: '2.0', id: m.id, result: { sessionId } });
    else if (m.method === 'session/prompt') {
      void onPrompt(turn).then((stopReason) => send({ jsonrpc: '2.0', id: m.id, result: { stopReason } }));
    }
  };
  void transport.start();
}
