import { existsSync } from 'node:fs';
import type { OmkPaths } from '../paths.js';
import { SCHEMA_VERSION } from '../store/migrations.js';
import type { DoctorCheck } from './check.js';

/**
 * Reads the repository store's schema version without writing to it: doctor must never
 * migrate or modify a database (a newer one especially). Absent is fine: created on first use.
 */
export async function checkStore(paths: OmkPaths): Promise<DoctorCheck[]> {
  const file = paths.dbFile;
  if (!file || !existsSync(file)) return [];
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const version = Number(db.pragma('user_version', { simple: true }));
      if (version > SCHEMA_VERSION) {
        return [
          {
            id: 'store',
            group: 'state',
            status: 'fail',
            detail: `${file} was written by a newer omk (schema ${version}; this omk knows up to ${SCHEMA_VERSION})`,
            fix: 'upgrade omk; this version will not open or modify that database',
          },
        ];
      }
      const note = version < SCHEMA_VERSION ? `, will be migrated to ${SCHEMA_VERSION}` : '';
      return [{ id: 'store', group: 'state', status: 'ok', detail: `${file} (schema ${version}${note})` }];
    } finally {
      db.close();
    }
  } catch (error) {
    return [
      {
        id: 'store',
        group: 'state',
        status: 'fail',
        detail: `${file} cannot be read as an omk store: ${error instanceof Error ? error.message : String(error)}`,
        fix: `move ${file} aside (omk never overwrites it) and run omk again`,
      },
    ];
  }
}
