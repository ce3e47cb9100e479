import type { AnyMessage, Stream } from '@agentclientprotocol/sdk';
import type { Transport } from '../transport/transport.js';

/** What the adapter does with an inbound message before (or instead of) the SDK. */
export interface StreamTap {
  /** Sees every inbound JSON value in arrival order; return true to keep it from the SDK. */
  inbound(message: unknown): boolean;
  /** Sees every message the SDK sends, before it is written. */
  outbound(message: AnyMessage): void;
}

/**
 * Turns a message `Transport` into the SDK's `Stream`, with a synchronous tap on both directions.
 * The tap is how the adapter keeps order: the SDK dispatches handlers concurrently and resolves
 * responses ahead of earlier notifications, so session updates and the prompt response are handled
 * here, in wire order, and only requests/responses the SDK must route go on to it.
 */
export function transportStream(transport: Transport, tap: StreamTap): { stream: Stream; end: () => void } {
  let controller!: ReadableStreamDefaultController<AnyMessage>;
  let ended = false;
  const readable = new ReadableStream<AnyMessage>({
    start(c) {
      controller = c;
    },
  });
  const end = (): void => {
    if (ended) return;
    ended = true;
    try {
      controller.close();
    } catch {
      // already closed or errored
    }
  };
  transport.onmessage = (message) => {
    if (ended) return;
    if (tap.inbound(message)) return;
    controller.enqueue(message as AnyMessage);
  };
  const writable = new WritableStream<AnyMessage>({
    write(message) {
      tap.outbound(message);
      return transport.send(message);
    },
  });
  return { stream: { readable, writable }, end };
}
