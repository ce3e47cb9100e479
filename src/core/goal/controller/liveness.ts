import type { ControllerRecord } from '../../store/controllers.js';

/** A heartbeat older than this means the controller is gone (another host cannot check its pid). @default 10 s */
export const CONTROLLER_STALE_MS = 10_000;

/** Where the question is asked from: this host's name and how to tell whether a pid of it runs. */
export interface LivenessProbe {
  host: string;
  pidAlive: (pid: number) => boolean;
}

/**
 * Alive: on this host, its pid exists and its heartbeat is not long stale (a reused pid with an ancient
 * heartbeat is not our controller); on another host, a fresh heartbeat.
 */
export function controllerAlive(rec: ControllerRecord, here: LivenessProbe, now: Date): boolean {
  const age = now.getTime() - Date.parse(rec.heartbeatAt);
  if (rec.host === here.host) return here.pidAlive(rec.pid) && age < 6 * CONTROLLER_STALE_MS;
  return age < CONTROLLER_STALE_MS;
}

/** `pid N on HOST (heartbeat …)`. */
export function describeController(rec: ControllerRecord): string {
  return `pid ${rec.pid} on ${rec.host} (heartbeat ${rec.heartbeatAt})`;
}
