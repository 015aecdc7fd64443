/** Options of a {@link StreamBatcher}. */
export interface StreamBatcherOptions<Item> {
  /** Writes one stream message carrying `items` (at least one); returns false when the stream is full. */
  write(items: readonly Item[]): boolean;
  /** An upper bound of one item's encoded size in a message. */
  sizeOf(item: Item): number;
  /** Largest message: the items of one write add up to at most this (a bigger single item goes alone). */
  readonly maxBytes: number;
}

/**
 * Gathers what one side of a `Chat` stream writes in one turn of the event loop into as few stream
 * messages as fit: each grpc-js write costs a serialize, an HTTP/2 DATA frame and, on the other side, a
 * frame and a decode, whatever it carries, so the bench's relay of 512-byte messages (28 per server
 * message) pays those once per batch instead of once per message.
 *
 * Flow control stays the stream's: once a write returns false nothing more is written until
 * {@link drained}, and {@link add} says the stream is full, so the producer stops; items keep their order.
 */
export class StreamBatcher<Item> {
  private queued: Item[] = [];
  private sizes: number[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private full = false;

  constructor(private readonly options: StreamBatcherOptions<Item>) {}

  /** Whether a write found the stream full and it has not drained since. */
  get isFull(): boolean {
    return this.full;
  }

  /**
   * Queues `item` for the next write (at the end of this turn of the event loop, or at once when a
   * message's worth is queued). Returns false while the stream is full: the item is kept all the same.
   */
  add(item: Item): boolean {
    const size = this.options.sizeOf(item);
    this.queued.push(item);
    this.sizes.push(size);
    this.queuedBytes += size;
    if (this.queuedBytes >= this.options.maxBytes) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate, not process.nextTick: the turn's other I/O callbacks (more requests read, more
      // deliveries) join the batch. Flushing on nextTick halved the 8-pair relay in alternating runs.
      setImmediate(this.flushScheduled);
    }
    return !this.full;
  }

  /** The stream drained: what waited is written. */
  drained(): void {
    this.full = false;
    this.flush();
  }

  /** Writes everything queued, full or not (grpc-js buffers it): before the stream's end. */
  flushAll(): void {
    this.full = false;
    while (this.queued.length > 0) this.writeOne();
  }

  /** Drops everything queued: the stream is gone. */
  clear(): void {
    this.queued = [];
    this.sizes = [];
    this.queuedBytes = 0;
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private flush(): void {
    while (!this.full && this.queued.length > 0) this.writeOne();
  }

  /** Writes the longest run of queued items that fits one message (at least one item). */
  private writeOne(): void {
    let count = 0;
    let bytes = 0;
    while (count < this.queued.length) {
      const size = this.sizes[count] as number;
      if (count > 0 && bytes + size > this.options.maxBytes) break;
      bytes += size;
      count++;
    }
    const items = count === this.queued.length ? this.queued : this.queued.slice(0, count);
    if (count === this.queued.length) {
      this.queued = [];
      this.sizes = [];
    } else {
      this.queued = this.queued.slice(count);
      this.sizes = this.sizes.slice(count);
    }
    this.queuedBytes -= bytes;
    if (!this.options.write(items)) this.full = true;
  }
}
