import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomically } from './goal-dir.js';

/** What status and watch show of one running attempt (never evidence: the event log is). */
export interface WorkerView {
  task_id: string;
  attempt: number;
  owner: string;
  engine: string;
  started_at: string;
  heartbeat_at: string;
  /** The agent's latest tool call or notice, e.g. `edit a.js`. */
  activity: string | null;
  activity_at: string | null;
  tokens: number;
  usd: number;
}

/** Writes at most this often (activity can be chatty); a heartbeat or the final state always lands. */
const MIN_WRITE_GAP_MS = 500;

/**
 * `<goal>/workers/<task>.json`, rewritten atomically while an attempt runs and removed when it ends,
 * so a parallel run never looks idle: status and watch show each running agent's task, engine,
 * current tool call, last heartbeat, tokens and cost. A crashed worker's file is ignored by readers
 * unless that worker still holds the task's lease. Failures to write are swallowed: visibility must
 * never fail an attempt.
 */
export class AttemptBeacon {
  private view: WorkerView;
  private lastWrite = 0;
  private pending: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly file: string,
    init: { taskId: string; attempt: number; owner: string; engine: string },
    private readonly now: () => Date,
  ) {
    const at = now().toISOString();
    this.view = { task_id: init.taskId, attempt: init.attempt, owner: init.owner, engine: init.engine, started_at: at, heartbeat_at: at, activity: null, activity_at: null, tokens: 0, usd: 0 };
    this.flush();
  }

  static forTask(goalRoot: string, init: { taskId: string; attempt: number; owner: string; engine: string }, now: () => Date): AttemptBeacon {
    return new AttemptBeacon(path.join(goalRoot, 'workers', `${init.taskId}.json`), init, now);
  }

  activity(line: string): void {
    this.view = { ...this.view, activity: line.slice(0, 200), activity_at: this.now().toISOString() };
    this.schedule();
  }

  heartbeat(): void {
    this.view = { ...this.view, heartbeat_at: this.now().toISOString() };
    this.flush();
  }

  usage(tokens: number, usd: number): void {
    this.view = { ...this.view, tokens, usd };
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pending);
    await this.chain;
    await rm(this.file, { force: true }).catch(() => undefined);
  }

  private schedule(): void {
    const wait = this.lastWrite + MIN_WRITE_GAP_MS - Date.now();
    if (wait <= 0) return this.flush();
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.flush();
    }, wait);
    this.pending.unref();
  }

  private flush(): void {
    if (this.closed) return;
    this.lastWrite = Date.now();
    const view = this.view;
    this.chain = this.chain.then(() => (this.closed ? undefined : writeJsonAtomically(this.file, view))).catch(() => undefined);
  }
}

/** The beacons in a goal directory (unreadable or half-written ones skipped). Synchronous: watch redraws from it. */
export function readWorkerViews(goalRoot: string): WorkerView[] {
  const dir = path.join(goalRoot, 'workers');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: WorkerView[] = [];
  for (const name of names.sort()) {
    try {
      const v = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as WorkerView;
      if (typeof v.task_id === 'string' && typeof v.owner === 'string') out.push(v);
    } catch {
      // Skipped: a reader never fails on a visibility file.
    }
  }
  return out;
}

/** `edit a.js (3s ago) · heartbeat 2s ago`: ages against `now`, for humans. */
export function ageText(iso: string | null, now: Date): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}
