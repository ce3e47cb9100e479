import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds `command` the way the child will: on `env.PATH`, a regular file with an execute bit.
 * A command containing a slash is checked as a path (relative to `cwd`). Spawns nothing, so it is
 * cheap enough to answer "is the agent installed?" before starting anything.
 */
export function whichSync(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): string | undefined {
  if (command === '') return undefined;
  if (command.includes('/')) {
    const full = path.resolve(cwd, command);
    return isExecutableFile(full) ? full : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    // An empty PATH entry means the current directory (POSIX).
    const full = path.resolve(cwd, dir === '' ? '.' : dir, command);
    if (isExecutableFile(full)) return full;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
