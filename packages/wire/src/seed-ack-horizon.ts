/**
 * Default of `WireServerOptions.seedAckHorizonBytes`: more than a socket's send buffer and its peer's
 * receive buffer can hold together on a default Linux (`tcp_wmem` allows up to 4 MiB; `tcp_rmem` up to
 * 6 MiB on older kernels and 32 MiB on recent ones, e.g. 6.18). It is 79,000 seed `nms` frames (529 bytes
 * each), below core's default backlog cap (100,000), so the messages it keeps stored do not block sends to
 * a client that reads.
 */
export const DEFAULT_SEED_ACK_HORIZON_BYTES = 40 * 1024 * 1024;

/** One write that carried deliveries: the highest sequence number in it, and where it ended. */
interface HandedOver {
  /** Bytes the operating system had accepted on the connection once this write was accepted. */
  readonly end: number;
  readonly seq: number;
  readonly epoch: number;
}

/**
 * When a message written to a client that cannot acknowledge (a seed client, or one without sequenced
 * delivery) counts as delivered, so that the server prefers a duplicate to a loss.
 *
 * The operating system accepting a message's bytes says nothing about the client having read them: they
 * may sit in this socket's send buffer or in the client's receive buffer, and be thrown away when the
 * server drops the connection. A message is therefore acknowledged on the client's behalf only once the
 * server knows the client has read it, which is when
 *
 * - at least `horizonBytes` more bytes were accepted by the operating system after it: the buffers between
 *   the server and the client's application hold less than that, and TCP delivers in order, so the client
 *   must have read past the message; or
 * - the client closed the connection itself, cleanly (its FIN, no reset): the seed's own rule, everything
 *   written counts as delivered. A client that closes with unread data makes its kernel send a reset, which
 *   is not a clean close.
 *
 * When the server ends the connection (a client that stopped reading, a timeout, a lost heartbeat,
 * shutdown), or the connection is reset, what is short of the horizon is forgotten: those messages stay
 * stored and come again at the next login, possibly as duplicates of what the client did read.
 */
export class SeedAckHorizon {
  /** Bytes the operating system has accepted on this connection so far. */
  private accepted = 0;
  /** Writes carrying deliveries not yet acknowledged, oldest first, from {@link head} on. */
  private pending: HandedOver[] = [];
  private head = 0;

  constructor(
    private readonly horizonBytes: number,
    /** Acknowledge everything up to `seq` of session `epoch` (an `AckCoalescer`'s `offer`). */
    private readonly acknowledge: (seq: number, epoch: number) => void,
  ) {}

  /** Messages handed to the operating system and not yet acknowledged. */
  get unacknowledgedWrites(): number {
    return this.pending.length - this.head;
  }

  /**
   * The operating system accepted a write of `bytes` bytes; `mark` names the deliveries in it (the
   * highest sequence number and its session), if any.
   */
  written(bytes: number, mark?: { readonly seq: number; readonly epoch: number }): void {
    this.accepted += bytes;
    if (mark !== undefined) this.pending.push({ end: this.accepted, seq: mark.seq, epoch: mark.epoch });
    this.release(this.accepted - this.horizonBytes);
  }

  /**
   * The client closed the connection cleanly: everything the operating system accepted was delivered.
   * Returns the newest such write, for the caller to acknowledge at once (the session is about to end, so
   * it cannot wait its turn behind an acknowledgement in flight).
   */
  clientClosed(): { readonly seq: number; readonly epoch: number } | undefined {
    const newest = this.head < this.pending.length ? this.pending[this.pending.length - 1] : undefined;
    this.forget();
    return newest === undefined ? undefined : { seq: newest.seq, epoch: newest.epoch };
  }

  /** The server ended the connection, or it was reset: nothing more is acknowledged. */
  forget(): void {
    this.pending = [];
    this.head = 0;
  }

  /** Acknowledges every pending write that ended at or before `upTo` (the newest covers the older). */
  private release(upTo: number): void {
    let newest: HandedOver | undefined;
    while (this.head < this.pending.length) {
      const next = this.pending[this.head] as HandedOver;
      if (next.end > upTo) break;
      newest = next;
      this.head++;
    }
    if (newest === undefined) return;
    // Drops the released part now and then, so the array does not grow with the connection's lifetime.
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    this.acknowledge(newest.seq, newest.epoch);
  }
}
