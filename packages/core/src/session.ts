import { ChatError } from "./chat-error.js";
import type { DeliverySink } from "./delivery.js";
import { DeliveryPump, type MessageSource } from "./delivery-pump.js";
import type { SessionDirectory, SessionLease, StopWatching } from "./session-directory.js";
import type { StoredMessage } from "./store.js";

/** What a session needs from its service. */
export interface SessionContext {
  /** Delivery reads go through the directory, fenced by the session's lease. */
  readonly directory: SessionDirectory;
  readonly deliveryBatchSize: number;
  /** Reports a failure that has no caller to return to (a background store read). */
  readonly reportError: (error: unknown) => void;
  /** The lease turned out to be lost (a fenced read was refused): the service ends the session. */
  readonly leaseLost: (session: Session) => void;
  /** Delivery reads kept failing (see `delivery-retry.ts`): the service ends the session. */
  readonly deliveryFailed: (session: Session, error: unknown, failures: number) => void;
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
  /** Set once the session is over (logout, close, lost lease): later requests on it are refused. */
  ended = false;
  /** Stops this session's wake-ups; set by the service once watching has started. */
  stopWatching: StopWatching | undefined;
  private pump: DeliveryPump | undefined;
  private sink: DeliverySink | undefined;
  private readonly source: MessageSource;

  constructor(
    private readonly context: SessionContext,
    /** The account's registered spelling. */
    readonly username: string,
    /** The account's case-folded key. */
    readonly key: string,
    /** This session's claim in the directory: every read and ack is fenced by it. */
    readonly lease: SessionLease,
  ) {
    this.source = {
      readMessages: (_key, afterSeq, limit) => context.directory.readMessages(lease, afterSeq, limit),
    };
  }

  /**
   * Whether a sink is attached and delivery is working, so sends to this account are delivered live.
   * While the store's reads fail and delivery waits for a retry, a sender hears `stored`: the truth.
   */
  get online(): boolean {
    return this.pump !== undefined && !this.pump.failing;
  }

  /**
   * Attaches a sink and starts delivering every unacknowledged message, oldest first, then live ones.
   * Replaces any sink attached before; messages that one was given but never acknowledged come again.
   */
  attach(sink: DeliverySink): void {
    this.detach();
    this.sink = sink;
    const pump = new DeliveryPump({
      store: this.source,
      recipientKey: this.key,
      sink,
      startAfterSeq: this.ackedUpTo,
      batchSize: this.context.deliveryBatchSize,
      onOffered: (seq) => {
        if (seq > this.offeredUpTo) this.offeredUpTo = seq;
      },
      onError: (error) => {
        // A pump retries every failure (it may end in onGaveUp) except a lost lease, which stopped it.
        if (error instanceof ChatError && error.code === "UNAUTHENTICATED") {
          if (this.pump === pump) this.pump = undefined;
          this.context.leaseLost(this);
        } else this.context.reportError(error);
      },
      onGaveUp: (error, failures) => {
        if (this.pump === pump) this.pump = undefined;
        this.context.deliveryFailed(this, error, failures);
      },
    });
    this.pump = pump;
    if (!this.deliveringRecorded) this.recordDelivering(true);
    pump.start();
  }

  /** Whether the directory was last told that delivery is attached (a claim starts out attached). */
  private deliveringRecorded = true;

  private recordDelivering(delivering: boolean): void {
    this.deliveringRecorded = delivering;
    if (!this.context.directory.distributed) return;
    this.context.directory.setDelivering(this.lease, delivering).catch(this.context.reportError);
  }

  /** Detaches at the transport's request: senders on other nodes now get `stored`. */
  pauseDelivery(): void {
    this.detach();
    if (this.deliveringRecorded) this.recordDelivering(false);
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

  /** A message was appended to this account's log (by this node: the message is at hand). */
  notify(message: StoredMessage): void {
    // Handed over without a store read only when leases cannot be lost (one process). Otherwise the fenced
    // read decides, so a node whose lease was lost never delivers, whatever its clock believes.
    if (this.lease.validUntil === Number.POSITIVE_INFINITY) this.pump?.notify(message);
    else this.pump?.hint(message.seq);
  }

  /** The log holds messages up to `seq` (a wake-up from another node, or a catch-up position). */
  hint(seq: number): void {
    this.pump?.hint(seq);
  }

  /** The attached sink has room again. */
  resume(): void {
    this.pump?.resume();
  }
}
