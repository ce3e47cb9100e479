import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isProcessAlive } from '../process/pid-alive.js';

/**
 * Lease owners name the process that holds the lease: `<role>:<host>:<pid>:<nonce>`. The host and pid
 * let any process on the same machine see that a holder died (a killed worker) and take its task back
 * at once, instead of waiting for the lease to expire; on another host only expiry tells.
 */
export function newOwnerId(role: 'controller' | 'worker', pid: number = process.pid, host: string = hostname()): string {
  return `${role}:${host}:${pid}:${randomUUID().slice(0, 8)}`;
}

export interface OwnerInfo {
  role: string;
  host: string;
  pid: number;
}

export function parseOwnerId(owner: string): OwnerInfo | undefined {
  const m = /^(controller|worker):(.+):(\d+):[0-9a-f]+$/.exec(owner);
  return m ? { role: m[1]!, host: m[2]!, pid: Number(m[3]) } : undefined;
}

/** True only when the owner provably is gone: same host, its pid no longer alive. Unknown owners are presumed alive. */
export function ownerIsGone(owner: string, here: { host: string; pidAlive: (pid: number) => boolean } = { host: hostname(), pidAlive: isProcessAlive }): boolean {
  const info = parseOwnerId(owner);
  if (!info || info.host !== here.host) return false;
  return !here.pidAlive(info.pid);
}
