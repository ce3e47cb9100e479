import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import { withBusyRetry, type BusyPolicy } from './busy.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

type Db = Database.Database;

const MAGIC = 'SQLite format 3\0';

let binding: { nativeBinding?: string } | undefined;

/**
 * The compiled addon where `npm ci` builds it, handed to better-sqlite3 directly: its default lookup
 * (the `bindings` package) stats a dozen candidate paths on every start, which read commands pay for.
 * Elsewhere (a prebuilt binary in another place) the default lookup is used.
 */
function nativeBinding(): { nativeBinding?: string } {
  if (binding) return binding;
  try {
    const file = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    binding = existsSync(file) ? { nativeBinding: file } : {};
  } catch {
    binding = {};
  }
  return binding;
}

/**
 * Opens an existing store database for reading only: no migration, no pragma that writes, nothing
 * created or changed (read commands never write, docs/store.md). Returns the connection and its schema
 * version, which may be older than this omk's (readers then do without the newer tables).
 *
 * The connection is opened read-write but set `query_only`, so SQLite refuses any write: a read-only
 * connection would leave empty `-wal`/`-shm` files behind, while a read-write one that wrote nothing
 * removes them on close when it is the last connection, leaving the directory exactly as it was. Where
 * the file cannot be opened for writing (a read-only `.omk/`), a read-only connection is used instead.
 */
export function openDatabaseReadOnly(file: string): { db: Db; version: number } {
  const headerVersion = inspectHeader(file);
  if (headerVersion !== undefined && headerVersion > SCHEMA_VERSION) throw tooNew(file, headerVersion);
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: true, ...nativeBinding() });
  } catch {
    try {
      db = new Database(file, { readonly: true, fileMustExist: true, ...nativeBinding() });
    } catch (error) {
      throw new OmkError('io', `cannot open ${file} for reading: ${describe(error)}`, { cause: error });
    }
  }
  try {
    db.pragma('query_only = 1');
    const version = readVersion(db, file);
    if (version > SCHEMA_VERSION) throw tooNew(file, version);
    return { db, version };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens (creating if absent) and migrates the store database. Nothing is written to an
 * existing file until its schema version is known to be ours or older: a database from a
 * newer omk, or a file that is not SQLite at all, is refused untouched.
 */
export async function openDatabase(file: string, policy: BusyPolicy): Promise<Db> {
  const headerVersion = inspectHeader(file);
  if (headerVersion !== undefined && headerVersion > SCHEMA_VERSION) throw tooNew(file, headerVersion);
  mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { timeout: policy.busyTimeoutMs, ...nativeBinding() });
  } catch (error) {
    throw new OmkError('io', `cannot open ${file}: ${describe(error)}`, { cause: error });
  }
  try {
    // A read, before any pragma that writes: the WAL may hold a newer version than the header.
    const version = readVersion(db, file);
    if (version > SCHEMA_VERSION) throw tooNew(file, version);
    await withBusyRetry(() => db.pragma('journal_mode = WAL'), policy, 'setting WAL mode');
    db.pragma('foreign_keys = ON');
    // The database is the durable copy (events.jsonl heals from it), so commits are fsynced.
    db.pragma('synchronous = FULL');
    await migrate(db, file, policy);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Reads the 100-byte header without SQLite: the magic string and user_version (offset 60). */
function inspectHeader(file: string): number | undefined {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return undefined; // absent: created below
  }
  if (size === 0) return undefined;
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== MAGIC) throw corrupt(file);
  return header.readUInt32BE(60);
}

function readVersion(db: Db, file: string): number {
  try {
    return Number(db.pragma('user_version', { simple: true }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw corrupt(file, error);
    throw error;
  }
}

async function migrate(db: Db, file: string, policy: BusyPolicy): Promise<void> {
  for (const migration of MIGRATIONS) {
    if (readVersion(db, file) >= migration.version) continue;
    await withBusyRetry(() => db.exec('BEGIN IMMEDIATE'), policy, `migrating to schema ${migration.version}`);
    try {
      // Another process may have migrated while we waited for the lock.
      const current = readVersion(db, file);
      if (current > SCHEMA_VERSION) throw tooNew(file, current);
      if (current < migration.version) {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

function tooNew(file: string, version: number): OmkError {
  return new OmkError(
    'store_too_new',
    `${file} was written by a newer omk (schema ${version}; this omk knows up to ${SCHEMA_VERSION})`,
    { hint: 'upgrade omk (npm install -g omk@latest); the database was not modified' },
  );
}

function corrupt(file: string, cause?: unknown): OmkError {
  return new OmkError('store_corrupt', `${file} is not an omk SQLite database`, {
    hint: `move it aside (e.g. mv ${file} ${file}.bad) and run omk again; omk will not overwrite it`,
    cause,
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
