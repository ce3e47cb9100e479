import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type OpenStoreOptions, type SqliteStore } from '../../../src/runtime/store/sqlite-store.js';

/** A clock that only moves when told to. */
export function fakeClock(start = '2025-03-01T12:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface TempRepo {
  dir: string;
  dbFile: string;
  goalsDir: string;
  cleanup(): void;
}

export function tempRepo(): TempRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-store-'));
  return {
    dir,
    dbFile: path.join(dir, '.omk', 'omk.db'),
    goalsDir: path.join(dir, '.omk', 'goals'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function openIn(repo: TempRepo, options: Partial<OpenStoreOptions> = {}): Promise<SqliteStore> {
  return openStore({ dbFile: repo.dbFile, goalsDir: repo.goalsDir, ...options });
}

/** Creates a goal with its `goal.created` event, the way the lifecycle will. */
export async function seedGoal(store: SqliteStore, id: string, extraEvents = 0): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.createGoal({ id, prompt: `prompt of ${id}` });
    await tx.appendEvent(id, 'goal.created', { goal_id: id, prompt: `prompt of ${id}` });
  });
  for (let i = 0; i < extraEvents; i += 1) {
    await store.transaction(async (tx) => {
      await tx.appendEvent(id, 'gate.transitioned', { gate: `g${i}`, from: 'pending', to: 'passed' });
    });
  }
}
