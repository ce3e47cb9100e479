import type { Transport } from '../transport/transport.js';
import { isObj } from '../loose.js';
import type { Obj } from '../loose.js';

/** A JSON-RPC error object as the peer sent it (or as we made it up for a local failure). */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * How one of our requests ended. `local` is set when the peer never answered: the transport closed
 * (`closed`) or the caller's deadline passed (`timeout`).
 */
export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: RpcErrorObject; local?: 'closed' | 'timeout' };

/** Where inbound messages go, in wire order, synchronously from the read loop. */
export interface RpcHandlers {
  /** A server notification (`event`, or any other method without an id). */
  notification(method: string, params: unknown, message: Obj): void;
  /** A server request (`request`, or any other method with an id); answer with `respond`/`respondError`. */
  request(id: string | number, method: string, params: unknown, message: Obj): void;
  /** Anything else: a response nobody waits for, an error with `id:null`, a non-object. */
  stray(message: unknown, why: string): void;
}

/** JSON-RPC error code for a transport that closed before the answer (never sent on the wire). */
export const LOCAL_CLOSED = -32099;
/** JSON-RPC error code for a local deadline (never sent on the wire). */
export const LOCAL_TIMEOUT = -32098;

/**
 * The JSON-RPC 2.0 client half of a Wire connection (protocols.md §1.2). Our ids are strings
 * (`omk-1`, `omk-2`, …: deterministic, so a recorded session replays); messages are routed by shape
 * (`method` present ⇒ request or notification, else a response to us), never by id alone, because
 * the server reuses payload ids for its own requests. Responses settle their request synchronously
 * in arrival order, so a turn ends exactly between the events before and after its answer.
 */
export class WireRpc {
  private nextId = 0;
  private readonly pending = new Map<string, (outcome: RpcOutcome) => void>();
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly handlers: RpcHandlers,
  ) {}

  /** Feed every inbound message here (from `transport.onmessage`). */
  handle(message: unknown): void {
    if (!isObj(message)) return this.handlers.stray(message, 'not a JSON-RPC object');
    const method = message.method;
    if (typeof method === 'string') {
      const id = message.id;
      if (typeof id === 'string' || typeof id === 'number') this.handlers.request(id, method, message.params, message);
      else this.handlers.notification(method, message.params, message);
      return;
    }
    const id = message.id;
    const settle = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!settle) {
      const why = isObj(message.error) ? `error without a matching request: ${String(message.error.message)}` : 'response to no pending request';
      return this.handlers.stray(message, why);
    }
    this.pending.delete(id as string);
    if (isObj(message.error)) {
      const code = typeof message.error.code === 'number' ? message.error.code : -32603;
      const text = typeof message.error.message === 'string' ? message.error.message : 'error without a message';
      settle({ ok: false, error: { code, message: text, ...('data' in message.error ? { data: message.error.data } : {}) } });
    } else {
      settle({ ok: true, result: message.result });
    }
  }

  /**
   * Sends a request. `onOutcome` runs synchronously when the answer is read (in wire order), or with
   * a local error when the transport closes or `timeoutMs` passes. Returns our id.
   */
  call(method: string, params: unknown, onOutcome: (outcome: RpcOutcome) => void, timeoutMs?: number): string {
    const id = `omk-${++this.nextId}`;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: RpcOutcome): void => {
      if (timer) clearTimeout(timer);
      try {
        onOutcome(outcome);
      } catch {
        // A throwing consumer must not break the read loop.
      }
    };
    if (this.closed) {
      queueMicrotask(() => settle(closedOutcome()));
      return id;
    }
    this.pending.set(id, settle);
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        settle({ ok: false, error: { code: LOCAL_TIMEOUT, message: `no answer to \`${method}\` within ${timeoutMs} ms` }, local: 'timeout' });
      }, timeoutMs);
      timer.unref();
    }
    const message: Obj = { jsonrpc: '2.0', id, method };
    if (params !== undefined) message.params = params;
    this.transport.send(message).catch(() => {
      if (this.pending.delete(id)) settle(closedOutcome());
    });
    return id;
  }

  /** `call` as a promise (which never rejects). */
  request(method: string, params?: unknown, timeoutMs?: number): Promise<RpcOutcome> {
    return new Promise((resolve) => this.call(method, params, resolve, timeoutMs));
  }

  respond(id: string | number, result: unknown): void {
    if (this.closed) return;
    this.transport.send({ jsonrpc: '2.0', id, result }).catch(() => {});
  }

  respondError(id: string | number, code: number, message: string): void {
    if (this.closed) return;
    this.transport.send({ jsonrpc: '2.0', id, error: { code, message } }).catch(() => {});
  }

  /** The connection is gone: every pending request ends with a local `closed` error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const settle of waiting) settle(closedOutcome());
  }
}

function closedOutcome(): RpcOutcome {
  return { ok: false, error: { code: LOCAL_CLOSED, message: 'the connection to the agent closed' }, local: 'closed' };
}
