import { OmkError } from './errors.js';
import type { OmkEvent } from './events/catalogue.js';
import { RingQueue } from './bus/ring-queue.js';

/**
 * The in-process event bus. Core and the engines publish; the engine pane, the
 * escalation log, the dashboard feed subscribe. Publishing is synchronous and
 * O(subscribers); every subscriber has its own bounded queue and its own pump,
 * so a slow or failing subscriber never delays the publisher or its peers — it
 * loses its oldest queued messages instead and is told how many (like tokio's
 * broadcast `Lagged(n)`).
 */

/**
 * One message on the bus. `ts` is when the fact happened (ISO 8601), supplied by the
 * publisher because core has no clock. `seq` is present only for durable events,
 * i.e. already committed to the store; ephemeral session events have none.
 */
export type BusMessage = OmkEvent & { ts: string; goal_id?: string; seq?: number };

export interface DeliveryInfo {
  /**
   * Messages this subscriber lost to queue overflow since its previous delivery.
   * They were all older than the message being delivered.
   */
  missed: number;
}

/**
 * Receives messages one at a time: the next one is not delivered until the returned
 * promise settles. Messages are shared between subscribers; treat them as read-only.
 */
export type BusHandler = (message: BusMessage, info: DeliveryInfo) => void | Promise<void>;

export interface BusErrorContext {
  subscriber: string;
  /** The message being handled (or filtered) when the error happened. */
  message: BusMessage;
  /** `handler` for a throwing/rejecting handler, `filter` for a throwing `accept`. */
  phase: 'handler' | 'filter';
}

/** Subscriber queue length when neither the bus nor the subscription sets one (as the predecessor's broadcast channel). */
export const DEFAULT_SUBSCRIBER_CAPACITY = 1024;

export interface BusOptions {
  /**
   * Told about every subscriber failure. Required so that no failure is silently
   * swallowed; the bus keeps going whatever this does (a throwing hook is ignored).
   */
  onError: (error: unknown, context: BusErrorContext) => void;
  /** Default queue capacity for subscriptions. @default DEFAULT_SUBSCRIBER_CAPACITY */
  capacity?: number;
}

export interface SubscribeOptions {
  /** Used in error reports. @default `subscriber-<n>` */
  name?: string;
  /** Queue capacity for this subscriber. @default the bus's capacity */
  capacity?: number;
  /**
   * Runs synchronously inside `publish` and must be cheap. Messages it rejects never
   * take a queue slot, so a flood of uninteresting events cannot make this subscriber
   * lag. A throwing filter is reported and the message is delivered anyway.
   * @default accept everything
   */
  accept?: (message: BusMessage) => boolean;
}

export interface Subscription {
  readonly name: string;
  /** Total messages lost to queue overflow since subscribing. */
  readonly missed: number;
  /** Stops at once: queued messages are discarded; the handler is never called again. */
  unsubscribe(): void;
  /**
   * Stops taking new messages, delivers the ones already queued, and resolves when the
   * last handler call has settled. Idempotent.
   */
  close(): Promise<void>;
  /**
   * Resolves when the queue is empty and no handler call is in flight. Never resolves
   * while a handler hangs.
   */
  drain(): Promise<void>;
}

export interface EventBus {
  /** Enqueues for every subscriber. Never throws because of a subscriber, never awaits. No-op after close. */
  publish(message: BusMessage): void;
  subscribe(handler: BusHandler, options?: SubscribeOptions): Subscription;
  /** Resolves when every subscriber is idle (repeats while handlers publish more). */
  drain(): Promise<void>;
  /** Stops publishing; pumps finish their queues; resolves when they have. Idempotent. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export function createEventBus(options: BusOptions): EventBus {
  const defaultCapacity = checkCapacity(options.capacity ?? DEFAULT_SUBSCRIBER_CAPACITY, 'bus capacity');
  const report = (error: unknown, context: BusErrorContext): void => {
    try {
      options.onError(error, context);
    } catch {
      // The hook is the last resort; a failure in it must not stop a pump or a publisher.
    }
  };
  // A Set keeps insertion order (delivery order across subscribers is stable) and O(1) removal.
  const subscribers = new Set<Subscriber>();
  let counter = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  return {
    get closed() {
      return closed;
    },
    publish(message) {
      if (closed) return;
      for (const subscriber of subscribers) subscriber.offer(message);
    },
    subscribe(handler, subscribeOptions = {}) {
      counter += 1;
      const subscriber = new Subscriber(
        handler,
        subscribeOptions.name ?? `subscriber-${counter}`,
        checkCapacity(subscribeOptions.capacity ?? defaultCapacity, 'subscriber capacity'),
        subscribeOptions.accept,
        report,
        () => subscribers.delete(subscriber),
      );
      // Subscribing to a closed bus yields a subscription that simply never fires.
      if (!closed) subscribers.add(subscriber);
      return subscriber.handle;
    },
    async drain() {
      // A handler may publish while we wait, so check again until a full pass finds all idle.
      while ([...subscribers].some((s) => !s.idle)) {
        await Promise.all([...subscribers].map((s) => s.handle.drain()));
      }
    },
    close() {
      if (closing) return closing;
      closed = true;
      closing = Promise.all([...subscribers].map((s) => s.handle.close())).then(() => undefined);
      return closing;
    },
  };
}

function checkCapacity(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new OmkError('internal', `${what} must be a positive integer, got ${value}`);
  }
  return value;
}

class Subscriber {
  readonly handle: Subscription;
  private readonly queue: RingQueue<BusMessage>;
  private missedTotal = 0;
  /** Dropped since the last delivery; reported with the next message. */
  private missedPending = 0;
  private pumping = false;
  /** No longer accepting messages (closed or unsubscribed). */
  private stopped = false;
  /** Unsubscribed: no further handler calls at all. */
  private cancelled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly handler: BusHandler,
    readonly name: string,
    capacity: number,
    private readonly accept: ((message: BusMessage) => boolean) | undefined,
    private readonly report: (error: unknown, context: BusErrorContext) => void,
    private readonly detach: () => void,
  ) {
    this.queue = new RingQueue<BusMessage>(capacity);
    // A plain object so callers cannot reach the internals through the handle.
    const missed = (): number => this.missedTotal;
    this.handle = {
      name,
      get missed() {
        return missed();
      },
      unsubscribe: () => this.unsubscribe(),
      close: () => this.close(),
      drain: () => this.waitIdle(),
    };
  }

  get idle(): boolean {
    return !this.pumping && this.queue.size === 0;
  }

  offer(message: BusMessage): void {
    if (this.stopped) return;
    if (this.accept && !this.accepts(message)) return;
    if (this.queue.push(message)) {
      this.missedTotal += 1;
      this.missedPending += 1;
    }
    if (!this.pumping) {
      this.pumping = true;
      // Never call a handler inside publish: the publisher must not wait for, or be
      // re-entered by, a subscriber.
      queueMicrotask(() => void this.pump());
    }
  }

  private accepts(message: BusMessage): boolean {
    try {
      return this.accept?.(message) ?? true;
    } catch (error) {
      this.report(error, { subscriber: this.name, message, phase: 'filter' });
      return true;
    }
  }

  private async pump(): Promise<void> {
    while (!this.cancelled) {
      const message = this.queue.shift();
      if (message === undefined) break;
      const missed = this.missedPending;
      this.missedPending = 0;
      try {
        await this.handler(message, { missed });
      } catch (error) {
        this.report(error, { subscriber: this.name, message, phase: 'handler' });
      }
    }
    this.pumping = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private waitIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private unsubscribe(): void {
    this.stopped = true;
    this.cancelled = true;
    this.queue.clear();
    this.missedPending = 0;
    // A handler already in flight cannot be recalled; drain() waiters resolve when it settles.
    this.detach();
  }

  private close(): Promise<void> {
    this.stopped = true;
    this.detach();
    return this.waitIdle();
  }
}
