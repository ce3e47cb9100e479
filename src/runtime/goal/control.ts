import type { ControlRequest } from '../../core/goal/controller/goal-log.js';
import type { ControllerRegistry } from '../../core/store/controllers.js';
import type { StoreTx } from '../../core/store/store.js';
import type { GoalRuntime } from './context.js';
import { takeOverLease } from './recover.js';
import { changeStatus } from './status.js';

export { CONTROLLER_STALE_MS, controllerAlive, describeController } from '../../core/goal/controller/liveness.js';

/** How often a running controller looks for pause/cancel requests in the store. @default 300 ms */
export const CONTROL_POLL_MS = 300;
/** How often a running controller renews its heartbeat. @default 1 s */
export const CONTROLLER_HEARTBEAT_MS = 1000;
/** Why a controller stopped before the verdict. `lost`: another controller took the goal over. */
export type StopReason = Pick<ControlRequest, 'kind' | 'by' | 'reason'> | { kind: 'lost'; by: string; reason: string | undefined };

/** Where a controller runs: injected so tests and the CLI agree on what "alive" means. */
export interface ControllerHost {
  registry: ControllerRegistry;
  host: string;
  pid: number;
  /** Whether a pid exists on this host (`process.kill(pid, 0)`). */
  pidAlive: (pid: number) => boolean;
}

/**
 * A controller's hold on one goal while it drives it: a heartbeat in the store, and a poll of the
 * goal's events for pause/cancel requests from other processes. `signal` aborts (reason: StopReason)
 * within a poll interval of a request; both timers are unref'd and cleared by `close`.
 */
export class ControllerSession {
  private readonly stop = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private seen: number;
  private polling = false;

  constructor(
    private readonly rt: GoalRuntime,
    private readonly host: ControllerHost,
    readonly goalId: string,
    fromSeq: number,
  ) {
    this.seen = fromSeq;
  }

  /** Requests at or before this seq are not for this controller (it started after them). */
  resetSeen(seq: number): void {
    this.seen = seq;
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get stopReason(): StopReason | undefined {
    return this.stop.signal.aborted ? (this.stop.signal.reason as StopReason) : undefined;
  }

  /** Stops the controller for this request (also used when the fold shows a pending one). */
  request(reason: StopReason): void {
    if (!this.stop.signal.aborted) this.stop.abort(reason);
  }

  start(): void {
    const poll = setInterval(() => void this.poll(), CONTROL_POLL_MS);
    const beat = setInterval(() => {
      this.host.registry.heartbeat(this.goalId, this.rt.owner).then(
        (held) => (held ? undefined : this.request({ kind: 'lost', by: 'another controller', reason: 'another controller took this goal over' })),
        () => undefined,
      );
    }, CONTROLLER_HEARTBEAT_MS);
    poll.unref();
    beat.unref();
    this.timers.push(poll, beat);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stop.signal.aborted) return;
    this.polling = true;
    try {
      const head = await this.rt.store.eventHead(this.goalId);
      if (head.seq <= this.seen) return;
      const events = await this.rt.store.readEvents(this.goalId, { fromSeq: this.seen + 1 });
      this.seen = head.seq;
      const requests = events.filter((e) => e.type === 'goal.cancel_requested' || e.type === 'goal.pause_requested');
      const pick = requests.find((e) => e.type === 'goal.cancel_requested') ?? requests[0];
      if (pick) {
        const p = pick.payload as { by: string; reason?: string };
        this.request({ kind: pick.type === 'goal.cancel_requested' ? 'cancel' : 'pause', by: p.by, reason: p.reason });
      }
    } catch {
      // The store is busy or closing; the next poll tries again.
    } finally {
      this.polling = false;
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await this.host.registry.release(this.goalId, this.rt.owner).catch(() => undefined);
  }
}

/** Records a cancel: status `cancelled`, `goal.cancelled`, open tasks cancelled (a leased one's lease taken back). Terminal. */
export async function recordCancel(tx: StoreTx, goalId: string, by: string, reason: string | undefined, now: Date): Promise<void> {
  for (const task of await tx.listTasks(goalId)) {
    if (task.status === 'leased') {
      const lease = await tx.getLease({ goalId, taskId: task.id });
      if (lease) await takeOverLease(tx, lease, 'cancelled', now);
      else await tx.updateTaskStatus({ goalId, taskId: task.id }, 'cancelled');
    } else if (task.status === 'queued' || task.status === 'blocked') {
      await tx.updateTaskStatus({ goalId, taskId: task.id }, 'cancelled');
    }
  }
  const why = `cancelled by ${by}${reason ? `: ${reason}` : ''}`;
  await changeStatus(tx, goalId, 'cancelled', why);
  await tx.appendEvent(goalId, 'goal.cancelled', { reason: why });
}

/** Records a pause: status `paused` and `goal.paused`. */
export async function recordPause(tx: StoreTx, goalId: string, by: string, reason: string | undefined): Promise<void> {
  await changeStatus(tx, goalId, 'paused', `paused by ${by}${reason ? `: ${reason}` : ''}`);
  await tx.appendEvent(goalId, 'goal.paused', { by, ...(reason ? { reason } : {}) });
}
