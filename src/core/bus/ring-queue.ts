/**
 * A fixed-capacity FIFO that overwrites its oldest item when full. Each bus
 * subscriber owns one, so `publish` is O(1) per subscriber however far behind
 * that subscriber is (an array `shift()` would make a lagging queue O(n)).
 */
export class RingQueue<T> {
  readonly capacity: number;
  private readonly slots: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends `item`; when full, the oldest item is evicted and `true` is returned. */
  push(item: T): boolean {
    if (this.count === this.capacity) {
      this.slots[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
      return true;
    }
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count += 1;
    return false;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    // Release the reference so a drained queue does not pin old messages in memory.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    return item;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
