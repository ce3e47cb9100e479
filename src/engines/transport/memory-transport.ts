import type { Transport, TransportCloseInfo, TransportError } from './transport.js';

/**
 * Two in-process transports wired to each other (for benches and protocol tests). Messages are
 * delivered asynchronously, in order, as JSON round-trips (so neither side can share objects).
 */
export function createMemoryTransportPair(): [Transport, Transport] {
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class MemoryTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TransportError) => void;
  onclose?: (info: TransportCloseInfo) => void;
  peer: MemoryTransport | undefined;
  readonly pid = undefined;
  private closed = false;
  private queue: string[] = [];
  private scheduled = false;

  start(): Promise<void> {
    return Promise.resolve();
  }

  send(message: unknown): Promise<void> {
    const peer = this.peer;
    if (this.closed || !peer || peer.closed) return Promise.reject(new Error('transport closed'));
    peer.enqueue(JSON.stringify(message));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.finish('closed');
    this.peer?.finish('exited');
    return Promise.resolve();
  }

  stderrTail(): string {
    return '';
  }

  private enqueue(line: string): void {
    this.queue.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue;
      this.queue = [];
      for (const item of batch) {
        if (this.closed) return;
        this.onmessage?.(JSON.parse(item) as unknown);
      }
    });
  }

  private finish(reason: TransportCloseInfo['reason']): void {
    if (this.closed) return;
    this.closed = true;
    const onclose = this.onclose;
    this.onmessage = this.onerror = this.onclose = undefined;
    onclose?.({ reason });
  }
}
