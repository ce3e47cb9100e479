/**
 * Who drives a goal right now: one controller process per goal, with its pid, host and a heartbeat.
 * A live heartbeat (or, on the same host, a live pid) means the controller is alive; a stale one means
 * it crashed and `omk goal resume` may take over. Kept apart from `Store` so the goal controller can
 * use it without widening the store interface every implementation must satisfy.
 */
export interface ControllerRecord {
  goalId: string;
  /** The controller's lease owner id (`controller:<host>:<pid>:<nonce>`, see runtime/goal/owner.ts). */
  owner: string;
  pid: number;
  host: string;
  startedAt: string;
  heartbeatAt: string;
}

export type ControllerClaim = { ok: true; previous: ControllerRecord | undefined } | { ok: false; holder: ControllerRecord };

export interface ControllerRegistry {
  get(goalId: string): Promise<ControllerRecord | undefined>;
  /**
   * Takes charge of a goal unless `isAlive(current)` says its current controller still runs; a dead
   * one is replaced (and returned as `previous`).
   */
  claim(record: Omit<ControllerRecord, 'startedAt' | 'heartbeatAt'>, isAlive: (current: ControllerRecord) => boolean): Promise<ControllerClaim>;
  /** Renews the heartbeat; false when this owner no longer holds the goal. */
  heartbeat(goalId: string, owner: string): Promise<boolean>;
  /** Gives the goal up (only when this owner holds it). */
  release(goalId: string, owner: string): Promise<void>;
  close(): Promise<void>;
}
