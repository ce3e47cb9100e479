import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { LiveMessage } from '../../core/feed/feed.js';
import { LiveWorkers } from '../../core/feed/workers.js';
import { encodeNdjson, NdjsonDecoder } from '../../core/ndjson.js';
import { liveDir, socketName } from './live-dir.js';

/** A subscriber further behind than this loses live messages (and is told how many): never the producer's memory. */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** Where live activity is published in the process that runs agents. */
export interface LivePublisher {
  publish(message: LiveMessage): void;
}

interface Client {
  socket: net.Socket;
  goal: string | null;
  missed: number;
}

/**
 * The live side of the goal feed in a process that runs agents (docs/goal-view.md "Live activity"):
 * a Unix socket other processes of the repository connect to. Messages go only to connected
 * subscribers — nothing is stored, so with no one listening they are gone — each with its own
 * bounded buffer (a slow reader loses messages and gets a `lagged` count, the agent never waits).
 * It also keeps the running attempts (LiveWorkers) to answer "who is working now".
 */
export class LiveHub implements LivePublisher {
  private readonly clients = new Set<Client>();
  readonly workers = new LiveWorkers();
  private closed = false;

  private constructor(
    private readonly server: net.Server | undefined,
    readonly socketPath: string | undefined,
  ) {}

  /**
   * Listens at `<liveDir(omkDir)>/<pid>-<nonce>.sock`. A hub that cannot listen (read-only directory,
   * no socket support) still keeps its workers for this process and says why through `onError`:
   * live activity is visibility, never a reason to fail a goal.
   */
  static async start(omkDir: string, onError: (message: string) => void = () => undefined): Promise<LiveHub> {
    const dir = liveDir(omkDir);
    const file = path.join(dir, socketName(process.pid, randomBytes(4).toString('hex')));
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(file, () => {
          server.off('error', reject);
          resolve();
        });
      });
      // Only this user may read what agents are doing.
      chmodSync(file, 0o600);
      const hub = new LiveHub(server, file);
      server.on('connection', (socket) => hub.accept(socket));
      server.on('error', (error) => onError(`live activity socket: ${error.message}`));
      server.unref();
      return hub;
    } catch (error) {
      onError(`live activity is not shared with other processes (${error instanceof Error ? error.message : String(error)})`);
      return new LiveHub(undefined, undefined);
    }
  }

  publish(message: LiveMessage): void {
    if (this.closed) return;
    this.workers.apply(message);
    if (this.clients.size === 0) return;
    const line = encodeNdjson(message);
    for (const c of this.clients) {
      if (c.goal !== null && c.goal !== message.goal_id) continue;
      if (c.socket.writableLength > MAX_BUFFERED_BYTES) {
        c.missed += 1;
        continue;
      }
      if (c.missed > 0) {
        c.socket.write(encodeNdjson({ kind: 'lagged', missed: c.missed }));
        c.missed = 0;
      }
      c.socket.write(line);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients) c.socket.destroy();
    this.clients.clear();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }

  private accept(socket: net.Socket): void {
    socket.setEncoding('utf8');
    socket.unref();
    const decoder = new NdjsonDecoder(64 * 1024);
    socket.on('error', () => socket.destroy());
    let client: Client | undefined;
    socket.on('close', () => client && this.clients.delete(client));
    socket.on('data', (chunk: string) => {
      for (const item of decoder.push(chunk)) {
        if (!item.ok || client) continue;
        const req = item.value as { op?: unknown; goal?: unknown };
        const goal = typeof req.goal === 'string' ? req.goal : null;
        if (req.op === 'workers') {
          socket.end(encodeNdjson({ workers: this.workers.list(goal ?? undefined) }));
        } else if (req.op === 'subscribe') {
          client = { socket, goal, missed: 0 };
          this.clients.add(client);
        } else {
          socket.destroy();
        }
      }
    });
  }
}
