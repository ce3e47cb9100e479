import { createMemoryTransportPair } from '../../../src/engines/transport/index.js';
import type { Transport } from '../../../src/engines/transport/index.js';

/** What JSON.parse gives: raw peer JSON, deliberately unchecked. */
export type Json = ReturnType<typeof JSON.parse>;

/**
 * A tiny in-process Wire server for what the fake agent does not do (server requests of every type,
 * id collisions, stray errors, subagent usage). `onMessage` gets every client message; the helpers
 * send events, requests and responses. Answers to our requests are awaited with `answer(id)`.
 */
export class ScriptedPeer {
  readonly client: Transport;
  readonly received: Json[] = [];
  private readonly agent: Transport;
  private readonly waiters = new Map<string | number, (m: Json) => void>();

  constructor(private readonly onMessage: (message: Json, peer: ScriptedPeer) => void) {
    [this.client, this.agent] = createMemoryTransportPair();
    this.agent.onmessage = (m: Json) => {
      this.received.push(m);
      if (m.method === undefined && this.waiters.has(m.id)) {
        const resolve = this.waiters.get(m.id)!;
        this.waiters.delete(m.id);
        resolve(m);
        return;
      }
      this.onMessage(m, this);
    };
    void this.agent.start();
  }

  send(message: Json): void {
    void this.agent.send(message);
  }

  event(type: string, payload: Json): void {
    this.send({ jsonrpc: '2.0', method: 'event', params: { type, payload } });
  }

  respond(id: Json, result: Json): void {
    this.send({ jsonrpc: '2.0', id, result });
  }

  respondError(id: Json, code: number, message: string): void {
    this.send({ jsonrpc: '2.0', id, error: { code, message } });
  }

  /** Sends a server request and resolves with the client's whole answer. */
  request(id: string | number, type: string, payload: Json): Promise<Json> {
    return this.call(id, 'request', { type, payload });
  }

  /** Sends a server request of any method and resolves with the client's whole answer. */
  call(id: string | number, method: string, params: Json): Promise<Json> {
    const answer = new Promise<Json>((resolve) => this.waiters.set(id, resolve));
    this.send({ jsonrpc: '2.0', id, method, params });
    return answer;
  }

  /** The agent side hangs up (as if the process exited). */
  hangUp(): Promise<void> {
    return this.agent.close();
  }
}

/** The standard answer to `initialize`. */
export const INIT_RESULT = {
  protocol_version: '1.10',
  server: { name: 'Scripted Wire', version: '9.9.9' },
  slash_commands: [],
  hooks: { supported_events: [], configured: {} },
  capabilities: { supports_question: false },
};
