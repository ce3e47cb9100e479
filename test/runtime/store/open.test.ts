import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/runtime/store/migrations.js';
import { openIn, tempRepo, type TempRepo } from './helpers.js';
import path from 'node:path';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

function rawDb(file: string, setup: (db: Database.Database) => void): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  setup(db);
  db.close();
}

describe('opening the store', () => {
  it('creates and migrates an empty database in WAL mode with foreign keys on', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    await store.close();
    const db = new Database(repo.dbFile, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['cost_ledger', 'event_feed', 'events', 'gate_breaker_transitions', 'gate_breakers', 'gate_cache', 'goal_controllers', 'goal_snapshots', 'goals', 'leases', 'sqlite_sequence', 'tasks']);
    db.close();
  });

  it('reopens an up-to-date database without migrating again', async () => {
    repo = tempRepo();
    const first = await openIn(repo);
    await first.transaction(async (tx) => void (await tx.createGoal({ id: 'g1', prompt: 'p' })));
    await first.close();
    const second = await openIn(repo);
    expect((await second.getGoal('g1'))?.prompt).toBe('p');
    await second.close();
  });

  it('refuses a database from a newer omk and leaves it byte-for-byte unchanged', async () => {
    repo = tempRepo();
    rawDb(repo.dbFile, (db) => {
      db.exec('CREATE TABLE future (x)');
      db.pragma('user_version = 7');
    });
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(repo.dbFile, past, past);
    const before = readFileSync(repo.dbFile);
    const mtime = statSync(repo.dbFile).mtimeMs;

    await expect(openIn(repo)).rejects.toMatchObject({
      code: 'store_too_new',
      message: expect.stringContaining(`omk.db was written by a newer omk (schema 7; this omk knows up to ${SCHEMA_VERSION})`),
    });
    expect(readFileSync(repo.dbFile).equals(before)).toBe(true);
    expect(statSync(repo.dbFile).mtimeMs).toBe(mtime);
  });

  it('refuses a newer schema still sitting in the WAL (header not yet checkpointed)', async () => {
    repo = tempRepo();
    mkdirSync(path.dirname(repo.dbFile), { recursive: true });
    const writer = new Database(repo.dbFile);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.pragma('user_version = 9');
    // The writer stays open, so its WAL is not checkpointed into the main file.
    try {
      const headerVersion = readFileSync(repo.dbFile).readUInt32BE(60);
      expect(headerVersion).toBe(0);
      await expect(openIn(repo)).rejects.toMatchObject({ code: 'store_too_new' });
      expect(writer.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(writer.prepare("SELECT count(*) FROM sqlite_master").pluck().get()).toBe(0);
    } finally {
      writer.close();
    }
  });

  it('refuses a file that is not SQLite, naming it, and never overwrites it', async () => {
    repo = tempRepo();
    mkdirSync(path.dirname(repo.dbFile), { recursive: true });
    writeFileSync(repo.dbFile, 'this is my precious notes file, not a database\n'.repeat(10));
    const before = readFileSync(repo.dbFile);
    await expect(openIn(repo)).rejects.toMatchObject({
      code: 'store_corrupt',
      message: expect.stringContaining(repo.dbFile),
    });
    expect(readFileSync(repo.dbFile).equals(before)).toBe(true);
  });

  it('gives up with a retryable store_busy when another connection holds the write lock', async () => {
    repo = tempRepo();
    const store = await openIn(repo, { busy: { busyTimeoutMs: 20, retries: 2, baseDelayMs: 1 } });
    const other = new Database(repo.dbFile);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.transaction(async (tx) => tx.createGoal({ id: 'g', prompt: 'p' }))).rejects.toMatchObject({
        code: 'store_busy',
        retryable: true,
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The lock released, the same store works again.
    await store.transaction(async (tx) => tx.createGoal({ id: 'g', prompt: 'p' }));
    expect(await store.getGoal('g')).toBeDefined();
    await store.close();
  });
});
