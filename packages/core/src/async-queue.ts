/** Consumed items are dropped from the front of the buffer in bulk once this many have piled up. */
const COMPACT_AFTER = 1024;

/**
 * An unbounded single-consumer queue that is also an `AsyncIterable`: producers `push`, a consumer
 * `for await`s. `end()` lets the consumer drain what is queued and then finish. Clients use it for their
 * stream of incoming messages; its size is bounded by the transport's own flow control, not here.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  // Items are taken by advancing `head`, not by `Array.prototype.shift`: a shift copies the whole array
  // once it is large, which made a receiver that fell behind slower the further behind it was.
  private items: T[] = [];
  private head = 0;
  private readonly waiters: Array<(result: IteratorResult<T>) => void> = [];
  private ended = false;

  /** Adds an item; ignored after `end()`. */
  push(item: T): void {
    if (this.ended) return;
    if (this.waiters.length > 0) {
      const waiter = this.waiters.shift() as (result: IteratorResult<T>) => void;
      waiter({ value: item, done: false });
    } else this.items.push(item);
  }

  /** No more items will come: the consumer finishes once it has taken what is queued. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  /** Items queued and not yet taken. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Whether `end()` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Takes the next item, waiting for one; `done` once ended and empty. */
  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) return Promise.resolve({ value: this.take(), done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private take(): T {
    const item = this.items[this.head] as T;
    // Cleared so a taken item can be collected before the buffer is compacted.
    (this.items as Array<T | undefined>)[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
