import { hostname } from 'node:os';
import { isProcessAlive } from '../process/pid-alive.js';
import { controllerAlive } from './control.js';

/** `omk goal status`'s view of who drives a goal (docs/goals.md): the `goal_controllers` row and whether it is alive. */
export interface ControllerView {
  pid: number;
  host: string;
  heartbeat_at: string;
  alive: boolean;
}

/**
 * Reads the controller rows of the given goals, read-only, with the same liveness rule `resume` uses
 * (`controllerAlive`). A goal with no row maps to null: no controller has it (it ended, or never ran).
 */
export async function readControllerViews(dbFile: string, goalIds: readonly string[], now: Date): Promise<Map<string, ControllerView | null>> {
  // Loaded on use, as `run` does: the controller table needs the SQLite driver.
  const { openControllerRegistry } = await import('../store/sqlite-controllers.js');
  const registry = await openControllerRegistry({ dbFile, now: () => now });
  const here = { registry, host: hostname(), pid: process.pid, pidAlive: isProcessAlive };
  try {
    const out = new Map<string, ControllerView | null>();
    for (const id of goalIds) {
      const rec = await registry.get(id);
      out.set(id, rec ? { pid: rec.pid, host: rec.host, heartbeat_at: rec.heartbeatAt, alive: controllerAlive(rec, here, now) } : null);
    }
    return out;
  } finally {
    await registry.close();
  }
}

/** A goal `running` with no live controller makes no progress until someone resumes it. */
export function needsResume(status: string, controller: ControllerView | null): boolean {
  return status === 'running' && !controller?.alive;
}
