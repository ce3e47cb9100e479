import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
  json: unknown;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for webhook endpoints. `answer` picks the reply per
 * request (status, or `hang` to accept and never answer); every request is recorded first.
 */
export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `n` requests have arrived (no timing involved). */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(answer: (r: Received, index: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body, json };
      received.push(r);
      for (const w of waiters.filter((w) => received.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const reply = answer(r, received.length - 1);
      if (reply === 'hang') return;
      res.writeHead(reply, { 'content-type': 'text/plain' });
      res.end(reply < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor: (n) => (received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 nothing listens on (bound, then released): connections to it are refused. */
export async function refusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
