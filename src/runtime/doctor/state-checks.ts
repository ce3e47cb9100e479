import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DoctorCheck } from './check.js';

/**
 * Can omk write where it keeps state? An existing directory is probed with a real
 * temporary file; a missing one is fine when its nearest existing ancestor is writable
 * (omk creates it on first use). Doctor itself creates nothing that stays.
 */
export function checkWritableDir(id: string, label: string, dir: string): DoctorCheck {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      return { id, group: 'state', status: 'fail', detail: `${label} ${dir} exists but is not a directory`, fix: `move ${dir} aside` };
    }
    try {
      const probe = mkdtempSync(path.join(dir, '.omk-doctor-'));
      rmSync(probe, { recursive: true, force: true });
      return { id, group: 'state', status: 'ok', detail: `${label} ${dir} is writable` };
    } catch (error) {
      return {
        id,
        group: 'state',
        status: 'fail',
        detail: `${label} ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        fix: `make ${dir} writable by this user`,
      };
    }
  }
  const ancestor = nearestExisting(dir);
  try {
    accessSync(ancestor, constants.W_OK);
    return { id, group: 'state', status: 'ok', detail: `${label} ${dir} will be created (${ancestor} is writable)` };
  } catch {
    return {
      id,
      group: 'state',
      status: 'fail',
      detail: `${label} ${dir} cannot be created: ${ancestor} is not writable`,
      fix: `create ${dir} and make it writable by this user`,
    };
  }
}

function nearestExisting(dir: string): string {
  let current = path.resolve(dir);
  while (!existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}
