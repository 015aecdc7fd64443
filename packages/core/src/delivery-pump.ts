import { ChatError } from "./chat-error.js";
import type { DeliverySink } from "./delivery.js";
import { DELIVERY_MAX_READ_FAILURES, deliveryRetryDelayMs } from "./delivery-retry.js";
import type { StoredMessage } from "./store.js";

/** Where a pump reads a recipient's log: the store itself, or a session directory's fenced read. */
export interface MessageSource {
  readMessages(recipientKey: string, afterSeq: number, limit: number): Promise<StoredMessage[]>;
}

/** How many stored messages a pump reads from the store at once. */
export const DEFAULT_DELIVERY_BATCH_SIZE = 256;

/** Options of a {@link DeliveryPump}. */
export interface DeliveryPumpOptions {
  readonly store: MessageSource;
  readonly recipientKey: string;
  readonly sink: DeliverySink;
  /** Deliver only messages above this sequence number (everything up to it is acknowledged). */
  readonly startAfterSeq: number;
  readonly batchSize: number;
  /** Called as each message is offered, just before the sink sees it, with its sequence number. */
  readonly onOffered: (seq: number) => void;
  /**
   * Called for every failed read of the store. After `UNAUTHENTICATED` (the session's lease is lost) the
   * pump stops; after anything else it reads again after a growing pause (see `delivery-retry.ts`).
   */
  readonly onError: (error: unknown) => void;
  /**
   * The store failed {@link DELIVERY_MAX_READ_FAILURES} reads in a row (the last is `error`): the pump has
   * stopped, and the session must end so the client reconnects rather than wait for nothing.
   */
  readonly onGaveUp: (error: unknown, failures: number) => void;
}

/**
 * Moves one recipient's messages from the store into a sink, strictly in sequence order, without gaps or
 * repeats. The store is the single source of truth: live and stored messages take the same path, so a live
 * message can never overtake an older stored one. When the pump is caught up, a new message with the next
 * sequence number is handed over directly without a store read (the fast path for live chat).
 *
 * Memory stays bounded: a full sink pauses the pump, and the rest of a batch is dropped and read again from
 * the store on resume.
 */
export class DeliveryPump {
  private deliveredUpTo: number;
  private draining = false;
  /** A message arrived while draining: read the store again before stopping. */
  private dirty = false;
  /** Everything readable in the store up to `deliveredUpTo` has been offered. */
  private caughtUp = false;
  private paused = false;
  private stopped = false;
  /** Failed reads since the last successful one. */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DeliveryPumpOptions) {
    this.deliveredUpTo = options.startAfterSeq;
  }

  /** Whether the last read of the store failed: delivery waits for a retry. */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** Starts delivering what the store holds. */
  start(): void {
    void this.drain();
  }

  /** A message was appended to this recipient's log. */
  notify(message: StoredMessage): void {
    if (this.stopped) return;
    if (this.caughtUp && !this.draining && !this.paused && message.seq === this.deliveredUpTo + 1) {
      this.offer(message);
      return;
    }
    this.wake();
  }

  /**
   * The log holds messages up to `seq` (a wake-up from another node, or a catch-up position): reads the
   * store when that is more than was delivered.
   */
  hint(seq: number): void {
    if (this.stopped || seq <= this.deliveredUpTo) return;
    this.wake();
  }

  /** There is more in the store: read it now, unless paused or waiting out a failed read's pause. */
  private wake(): void {
    this.dirty = true;
    this.caughtUp = false;
    // A retry is due: reading at every new message would hammer a failing store and skip the backoff.
    if (!this.paused && this.retryTimer === undefined) void this.drain();
  }

  /** The sink has room again. */
  resume(): void {
    if (this.stopped || !this.paused) return;
    this.paused = false;
    this.caughtUp = false;
    if (this.retryTimer === undefined) void this.drain();
  }

  /** Stops for good; nothing more reaches the sink. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private offer(message: StoredMessage): void {
    this.deliveredUpTo = message.seq;
    // Recorded before the hand-off, so a sink that acknowledges inside `deliver` (a transport whose
    // clients cannot ack) is acknowledging a message core already counts as delivered.
    this.options.onOffered(message.seq);
    const more = this.options.sink.deliver(message);
    if (!more) {
      this.paused = true;
      this.caughtUp = false;
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const { store, recipientKey, batchSize } = this.options;
    try {
      while (!this.stopped && !this.paused) {
        this.dirty = false;
        const batch = await store.readMessages(recipientKey, this.deliveredUpTo, batchSize);
        this.failures = 0;
        for (const message of batch) {
          if (this.stopped || this.paused) break;
          if (message.seq > this.deliveredUpTo) this.offer(message);
        }
        if (!this.stopped && !this.paused && batch.length < batchSize && !this.dirty) {
          this.caughtUp = true;
          break;
        }
      }
    } catch (error) {
      this.draining = false;
      this.readFailed(error);
      return;
    }
    this.draining = false;
  }

  /**
   * Any failure but a lost lease is retried, whatever its code: a full or failing store may answer
   * `RESOURCE_EXHAUSTED` or `INTERNAL` as well as `UNAVAILABLE`, and stopping quietly would leave a
   * logged-in recipient without delivery for the rest of its session.
   */
  private readFailed(error: unknown): void {
    this.caughtUp = false;
    if (error instanceof ChatError && error.code === "UNAUTHENTICATED") {
      this.stop();
      this.options.onError(error);
      return;
    }
    this.failures++;
    this.options.onError(error);
    if (this.stopped) return;
    if (this.failures >= DELIVERY_MAX_READ_FAILURES) {
      this.stop();
      this.options.onGaveUp(error, this.failures);
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped && !this.paused) void this.drain();
    }, deliveryRetryDelayMs(this.failures));
    // A pending retry must not keep a process alive whose servers have all closed.
    this.retryTimer.unref();
  }
}
