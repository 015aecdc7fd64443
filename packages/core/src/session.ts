import type { DeliverySink } from "./delivery.js";
import { DeliveryPump } from "./delivery-pump.js";
import type { Store, StoredMessage } from "./store.js";

/** What a session needs from its service. */
export interface SessionContext {
  readonly store: Store;
  readonly deliveryBatchSize: number;
  /** Reports a failure that has no caller to return to (a background store read). */
  readonly reportError: (error: unknown) => void;
}

/**
 * The live login of one account: at most one per account across the whole service. It is "online" while a
 * sink is attached; without one, messages for it are stored and wait for the next attach.
 */
export class Session {
  /** Highest sequence number acknowledged in this session. */
  ackedUpTo = 0;
  /** Highest sequence number ever offered to a sink of this session. */
  offeredUpTo = 0;
  private pump: DeliveryPump | undefined;
  private sink: DeliverySink | undefined;

  constructor(
    private readonly context: SessionContext,
    /** The account's registered spelling. */
    readonly username: string,
    /** The account's case-folded key. */
    readonly key: string,
  ) {}

  /** Whether a sink is attached, so sends to this account are delivered live. */
  get online(): boolean {
    return this.pump !== undefined;
  }

  /**
   * Attaches a sink and starts delivering every unacknowledged message, oldest first, then live ones.
   * Replaces any sink attached before; messages that one was given but never acknowledged come again.
   */
  attach(sink: DeliverySink): void {
    this.detach();
    this.sink = sink;
    const pump = new DeliveryPump({
      store: this.context.store,
      recipientKey: this.key,
      sink,
      startAfterSeq: this.ackedUpTo,
      batchSize: this.context.deliveryBatchSize,
      onOffered: (seq) => {
        if (seq > this.offeredUpTo) this.offeredUpTo = seq;
      },
      onError: (error) => {
        this.context.reportError(error);
        if (this.pump === pump) this.pump = undefined;
      },
    });
    this.pump = pump;
    pump.start();
  }

  /** Detaches the sink: the session stays, but messages are stored until the next attach. */
  detach(): void {
    this.pump?.stop();
    this.pump = undefined;
    this.sink = undefined;
  }

  /** The attached sink, if any. */
  get attachedSink(): DeliverySink | undefined {
    return this.sink;
  }

  /** A message was appended to this account's log. */
  notify(message: StoredMessage): void {
    this.pump?.notify(message);
  }

  /** The attached sink has room again. */
  resume(): void {
    this.pump?.resume();
  }
}
