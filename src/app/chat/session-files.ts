import { mkdirSync, openSync, readFileSync, readdirSync, statSync, writeSync, closeSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { ChatEvent, ConversationEntry, SessionMeta } from '../../core/chat/types.js';
import { redactSecrets } from '../../core/redact.js';
import { writeFileAtomically } from '../../runtime/config/atomic-write.js';

/**
 * A session's files under `<state>/omk/sessions/<id>/` (docs/chat.md "Sessions"): the conversation
 * and the engine events are append-only JSONL, one `write` per line; `meta.json` is replaced
 * atomically. A directory that cannot be written is reported once (`onProblem`) and the session
 * goes on in memory — a chat that cannot keep its history still answers.
 */
export const CONVERSATION_FILE = 'conversation.jsonl';
export const ENGINE_EVENTS_FILE = 'engine-events.jsonl';
export const META_FILE = 'meta.json';

export class SessionFiles {
  private broken = false;
  private readonly fds = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** Creates the directory (0700). False (and one warning) when it cannot. */
  ensure(): boolean {
    if (this.broken) return false;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      return true;
    } catch (error) {
      this.fail(`cannot create the session directory ${this.dir}`, error);
      return false;
    }
  }

  appendConversation(entry: ConversationEntry): void {
    this.append(CONVERSATION_FILE, { ...entry, text: redactSecrets(entry.text) });
  }

  appendEngineEvent(ts: string, event: ChatEvent): void {
    this.append(ENGINE_EVENTS_FILE, { ts, ...event });
  }

  async writeMeta(meta: SessionMeta): Promise<void> {
    if (!this.ensure()) return;
    try {
      await writeFileAtomically(path.join(this.dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    } catch (error) {
      this.fail(`cannot write ${path.join(this.dir, META_FILE)}`, error);
    }
  }

  close(): void {
    for (const fd of this.fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // already gone
      }
    }
    this.fds.clear();
  }

  private append(file: string, record: unknown): void {
    if (!this.ensure()) return;
    try {
      let fd = this.fds.get(file);
      if (fd === undefined) {
        fd = openSync(path.join(this.dir, file), 'a', 0o600);
        this.fds.set(file, fd);
      }
      // One write per line: with O_APPEND two processes on one session never interleave inside a line.
      writeSync(fd, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.fail(`cannot write ${path.join(this.dir, file)}`, error);
    }
  }

  private fail(what: string, error: unknown): void {
    if (this.broken) return;
    this.broken = true;
    const detail = error instanceof Error ? error.message : String(error);
    this.onProblem(`session not saved: ${what} (${detail}); this session's history will not be kept — check the permissions of the directory or set XDG_STATE_HOME`);
  }
}

/** The conversation of a session, tolerating a torn last line and skipping lines it cannot read. */
export function readConversation(dir: string): ConversationEntry[] {
  const file = path.join(dir, CONVERSATION_FILE);
  if (!existsSync(file)) return [];
  const out: ConversationEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as ConversationEntry;
      if (typeof entry.text === 'string' && typeof entry.role === 'string') out.push(entry);
    } catch {
      // a torn last line (a crash mid-write) or a line from a newer omk
    }
  }
  return out;
}

export function readMeta(dir: string): SessionMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, META_FILE), 'utf8')) as SessionMeta;
    return typeof meta.session_id === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

export interface SessionSummary {
  id: string;
  project_root: string | null;
  last_activity: string | null;
  requests: number;
}

/** Sessions in `sessionsDir`, most recently active first. Read-only. */
export function listSessions(sessionsDir: string): SessionSummary[] {
  let names: string[];
  try {
    names = readdirSync(sessionsDir);
  } catch {
    return [];
  }
  const out: Array<SessionSummary & { mtime: number }> = [];
  for (const id of names) {
    const dir = path.join(sessionsDir, id);
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const meta = readMeta(dir);
    const requests = readConversation(dir).filter((e) => e.role === 'user').length;
    out.push({ id, project_root: meta?.project_root ?? null, last_activity: meta?.last_activity ?? null, requests, mtime: statSync(dir).mtimeMs });
  }
  return out.sort((a, b) => (b.last_activity ?? '').localeCompare(a.last_activity ?? '') || b.mtime - a.mtime).map(({ mtime: _m, ...s }) => s);
}
