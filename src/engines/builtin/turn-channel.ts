import type { AgentEvent, AgentTurn, TurnResult } from '../session.js';

/**
 * An `AgentTurn` fed by the loop: `push` events, then `settle` once. Events are buffered for a late
 * iterator; iteration ends after the result settles and the buffer drains.
 */
export class TurnChannel implements AgentTurn {
  readonly result: Promise<TurnResult>;
  private resolveResult!: (result: TurnResult) => void;
  private readonly buffer: AgentEvent[] = [];
  private wake: (() => void) | undefined;
  private settled = false;

  constructor() {
    this.result = new Promise<TurnResult>((resolve) => (this.resolveResult = resolve));
  }

  /** Adds an event; ignored once the turn has settled. */
  push(event: AgentEvent): void {
    if (this.settled) return;
    this.buffer.push(event);
    this.wakeUp();
  }

  /** Settles the turn; later calls are ignored. */
  settle(result: TurnResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveResult(result);
    this.wakeUp();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    let index = 0;
    for (;;) {
      while (index < this.buffer.length) yield this.buffer[index++]!;
      if (this.settled) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
