import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { LaggedMessage, LiveMessage } from '../../core/feed/feed.js';
import type { WorkerView } from '../../core/goal/view/goal-view.js';
import { encodeNdjson, NdjsonDecoder } from '../../core/ndjson.js';
import { isProcessAlive } from '../process/pid-alive.js';
import { liveDir, pidOfSocket } from './live-dir.js';

/** How long a `workers` question waits for one process before giving up on it. */
const ASK_TIMEOUT_MS = 300;
/** How often a subscription looks for processes that started since (a new `omk worker`). */
const RESCAN_MS = 250;

/** The sockets of live producer processes (read only: a reader never removes anything). */
function liveSockets(omkDir: string): string[] {
  const dir = liveDir(omkDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      const pid = pidOfSocket(n);
      return pid !== undefined && isProcessAlive(pid);
    })
    .map((n) => path.join(dir, n));
}

function ask(file: string, goalId: string): Promise<WorkerView[]> {
  return new Promise((resolve) => {
    const socket = net.createConnection(file);
    const decoder = new NdjsonDecoder(4 * 1024 * 1024);
    let out: WorkerView[] = [];
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(done, ASK_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(encodeNdjson({ op: 'workers', goal: goalId })));
    socket.on('data', (chunk: string) => {
      for (const item of decoder.push(chunk)) {
        const value = item.ok ? (item.value as { workers?: unknown }) : undefined;
        if (value && Array.isArray(value.workers)) out = value.workers as WorkerView[];
      }
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

/** Every running agent of a goal, asked of each live process of the repository. */
export async function askWorkers(omkDir: string, goalId: string): Promise<WorkerView[]> {
  const answers = await Promise.all(liveSockets(omkDir).map((f) => ask(f, goalId)));
  return answers.flat().sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
}

/**
 * Live messages from every producer process of the repository, for one goal or all: connects to
 * each socket, and to new ones as they appear. Messages go to `onMessage` in the order each process
 * sent them. `close()` disconnects.
 */
export class LiveSubscription {
  private readonly sockets = new Map<string, net.Socket>();
  /** Sockets that refused us (a stale file whose pid was reused): not tried again. */
  private readonly refused = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly omkDir: string,
    private readonly goal: string | null,
    private readonly onMessage: (message: LiveMessage | LaggedMessage) => void,
  ) {
    this.scan();
    this.timer = setInterval(() => this.scan(), RESCAN_MS);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const s of this.sockets.values()) s.destroy();
    this.sockets.clear();
  }

  private scan(): void {
    if (this.closed) return;
    for (const file of liveSockets(this.omkDir)) if (!this.sockets.has(file) && !this.refused.has(file)) this.connect(file);
  }

  private connect(file: string): void {
    const socket = net.createConnection(file);
    socket.unref();
    this.sockets.set(file, socket);
    const decoder = new NdjsonDecoder(4 * 1024 * 1024);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(encodeNdjson({ op: 'subscribe', goal: this.goal })));
    socket.on('data', (chunk: string) => {
      for (const item of decoder.push(chunk)) {
        if (!item.ok || this.closed) continue;
        const m = item.value as { kind?: unknown };
        if (m.kind === 'live' || m.kind === 'lagged') this.onMessage(item.value as LiveMessage | LaggedMessage);
      }
    });
    // A producer that exits closes its socket; a later scan never finds it again (its pid is gone).
    let connected = false;
    socket.on('connect', () => (connected = true));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(file);
      if (!connected) this.refused.add(file);
    });
  }
}
