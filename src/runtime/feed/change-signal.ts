import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** How often the database is asked whether it changed, in case the file watch misses a write (network file systems). */
const POLL_MS = 200;

/**
 * Tells listeners that the store database may have new commits: a watch on its directory (a commit
 * writes `omk.db-wal`, a checkpoint `omk.db`) plus a cheap poll of `PRAGMA data_version`, which changes
 * whenever another connection commits. Spurious wake-ups are fine: listeners read after their cursor
 * and find nothing.
 */
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastVersion: number | undefined;

  constructor(
    private readonly dbFile: string,
    private readonly dataVersion: () => number,
  ) {}

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private fire(): void {
    for (const l of [...this.listeners]) l();
  }

  private start(): void {
    const base = path.basename(this.dbFile);
    try {
      this.watcher = watch(path.dirname(this.dbFile), { persistent: false }, (_type, name) => {
        if (name === null || String(name).startsWith(base)) this.fire();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined; // no watch here: the poll still notices
    }
    this.timer = setInterval(() => {
      let v: number;
      try {
        v = this.dataVersion();
      } catch {
        return;
      }
      if (this.lastVersion !== undefined && v !== this.lastVersion) this.fire();
      this.lastVersion = v;
    }, POLL_MS);
    // Not unref'd: a subscriber waiting for events keeps its process alive, as a socket read would.
  }

  private stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    this.lastVersion = undefined;
  }
}
