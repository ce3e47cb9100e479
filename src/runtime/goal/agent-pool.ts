import { setTimeout as sleep } from 'node:timers/promises';
import { BudgetRefusedError } from './budget.js';
import type { GoalScope } from './context.js';
import type { TaskStepResult } from './execute-task.js';

/**
 * The controller's own agents: up to `capacity` task attempts running at once, each a promise the
 * controller does not await — it goes on reading the log (control requests, other workers' results)
 * and settles when one finishes or a poll interval passes. Everything an attempt decides is in the
 * store; the pool only remembers which tasks it is running, whether one was interrupted, and the first
 * failure of omk's own machinery (recorded by the controller as `goal.failed` once the others finish).
 */
export class AgentPool {
  private readonly attempts = new Map<string, Promise<void>>();
  private failure: unknown;
  interrupted = false;

  constructor(
    private readonly scope: GoalScope,
    private readonly capacity: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Task ids this controller is running now. */
  get running(): ReadonlySet<string> {
    return new Set(this.attempts.keys());
  }

  /** Starts what fits of `taskIds` (not already running); returns how many started. */
  start(taskIds: readonly string[], run: (taskId: string) => Promise<TaskStepResult>): number {
    let started = 0;
    for (const id of taskIds) {
      if (this.attempts.size >= this.capacity) break;
      if (this.attempts.has(id)) continue;
      const attempt = run(id)
        .then(
          (result) => {
            if (result === 'interrupted') this.interrupted = true;
          },
          (error: unknown) => {
            // A refused spawn is recorded (budget.exhausted) and leaves the task queued; the proof follows.
            if (error instanceof BudgetRefusedError) return;
            if (this.scope.rt.signal.aborted) this.interrupted = true;
            else this.failure ??= error;
          },
        )
        .finally(() => this.attempts.delete(id));
      this.attempts.set(id, attempt);
      started += 1;
    }
    return started;
  }

  /** Until one attempt finishes or `pollMs` passes, whichever is first. */
  async settle(pollMs: number): Promise<void> {
    const timer = new AbortController();
    await Promise.race([...this.attempts.values(), sleep(pollMs, undefined, { signal: timer.signal }).catch(() => undefined)]);
    timer.abort();
  }

  /** An attempt failed because omk's machinery did (not the agent, not the gates). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The first failure of omk's machinery in an attempt, once (then forgotten). */
  takeFailure(): unknown {
    const f = this.failure;
    this.failure = undefined;
    return f;
  }

  /** Waits for every running attempt (each stops promptly once the runtime's signal is aborted). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.attempts.values()]);
  }

  async drained<T>(result: T): Promise<T> {
    await this.drain();
    return result;
  }
}
