import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A Unix socket path must fit in sun_path (108 bytes on Linux, 104 on macOS), NUL included. */
const MAX_SOCKET_PATH = 100;

/**
 * Where the processes of one repository that run agents (a controller, `omk worker`) put their live
 * sockets: `<repo>/.omk/live/`, or, when that path is too long for a socket, a directory under the
 * system's temp dir named after the repository. Producers and subscribers compute the same place.
 */
export function liveDir(omkDir: string): string {
  const local = path.join(omkDir, 'live');
  if (path.join(local, socketName(99_999_999, 'abcdef12')).length <= MAX_SOCKET_PATH) return local;
  const id = createHash('sha256').update(path.resolve(omkDir)).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `omk-live-${id}`);
}

/** `<pid>-<nonce>.sock`: the pid lets a reader skip sockets of processes that are gone. */
export function socketName(pid: number, nonce: string): string {
  return `${pid}-${nonce}.sock`;
}

export function pidOfSocket(name: string): number | undefined {
  const m = /^(\d+)-[0-9a-f]+\.sock$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
