import type { AgentEvent, AgentTurn, TurnResult } from './session.js';

/**
 * An `AgentTurn` fed by an adapter: `push` events, then `settle` once. Events are buffered for a late
 * iterator; iteration ends after the result settles and the buffer drains. Shared by every adapter.
 */
export class TurnChannel implements AgentTurn {
  readonly result: Promise<TurnResult>;
  private resolveResult!: (result: TurnResult) => void;
  private readonly buffer: AgentEvent[] = [];
  private wake: (() => void) | undefined;
  private settledResult: TurnResult | undefined;

  constructor() {
    this.result = new Promise<TurnResult>((resolve) => (this.resolveResult = resolve));
  }

  get settled(): boolean {
    return this.settledResult !== undefined;
  }

  /** Adds an event; ignored once the turn has settled. */
  push(event: AgentEvent): void {
    if (this.settledResult) return;
    this.buffer.push(event);
    this.wakeUp();
  }

  /** Settles the turn; later calls are ignored. Returns whether this call settled it. */
  settle(result: TurnResult): boolean {
    if (this.settledResult) return false;
    this.settledResult = result;
    this.resolveResult(result);
    this.wakeUp();
    return true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    let index = 0;
    for (;;) {
      while (index < this.buffer.length) yield this.buffer[index++]!;
      if (this.settledResult) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** A turn that is over before it started (busy, closed). */
export function settledTurn(result: TurnResult): AgentTurn {
  const channel = new TurnChannel();
  channel.settle(result);
  return channel;
}
