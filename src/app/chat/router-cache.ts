import { createHash } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { normalisePrompt } from '../../core/chat/normalise.js';
import type { Route } from '../../core/chat/types.js';
import { writeFileAtomically } from '../../runtime/config/atomic-write.js';
import type { Logger } from '../../runtime/logger.js';

/**
 * The model's routing answers, keyed by a hash of the normalised request (never the request itself:
 * the file sits outside the repository and outlives the session). One JSON file under the state
 * directory, shared by every session, at most MAX_ENTRIES (oldest dropped), rewritten atomically.
 * An unreadable file is moved aside and the cache starts empty; a failing write only warns.
 */
export const ROUTER_CACHE_FILE = 'router-cache.json';
const MAX_ENTRIES = 512;

interface Entry {
  route: Route;
  confidence: number;
  reason: string;
  at: string;
}

export class RouterCache {
  private entries = new Map<string, Entry>();
  private loaded = false;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  static inStateDir(stateDir: string, log: Logger): RouterCache {
    return new RouterCache(path.join(stateDir, ROUTER_CACHE_FILE), log);
  }

  static key(text: string): string {
    return createHash('sha256').update(normalisePrompt(text)).digest('hex');
  }

  async get(text: string): Promise<Entry | undefined> {
    await this.load();
    return this.entries.get(RouterCache.key(text));
  }

  async put(text: string, entry: Entry): Promise<void> {
    await this.load();
    const key = RouterCache.key(text);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    try {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomically(this.file, `${JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) })}\n`);
    } catch (error) {
      this.log.warn(`router cache not saved (${this.file}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return;
    }
    try {
      const doc = JSON.parse(text) as { version?: unknown; entries?: Record<string, Entry> };
      if (doc.version !== 1 || typeof doc.entries !== 'object' || doc.entries === null) throw new Error('unexpected shape');
      for (const [k, v] of Object.entries(doc.entries)) if (isEntry(v)) this.entries.set(k, v);
    } catch (error) {
      const aside = `${this.file}.corrupt-${process.pid}-${Date.now()}`;
      await rename(this.file, aside).catch(() => undefined);
      this.log.warn(`router cache ${this.file} is unreadable (${error instanceof Error ? error.message : String(error)}); moved aside to ${aside}, starting empty`);
    }
  }
}

function isEntry(v: unknown): v is Entry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.route === 'string' && ['trivial', 'small', 'medium', 'large'].includes(e.route) && typeof e.confidence === 'number' && typeof e.reason === 'string';
}
