/** Options of an {@link AckCoalescer}. */
export interface AckCoalescerOptions {
  /** Sends one "acknowledge every message up to `upToSeq`". */
  readonly send: (upToSeq: number) => Promise<void>;
  /** Whether the current session may be acknowledged now (it is still logged in). Default always. */
  readonly canSend?: () => boolean;
  /**
   * Runs one flush. Default: at once. A caller that must never acknowledge in the middle of another call
   * (a login, a logout) passes its own serial queue here.
   */
  readonly schedule?: (flush: () => Promise<void>) => void;
  /** An acknowledgement failed; its messages are simply delivered again at the next login. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Turns "message n was shown / written" into as few acknowledgements as possible: "ack up to" needs only the
 * highest sequence number, so everything noted while one acknowledgement is on its way is covered by the
 * next one, and only one is ever in flight.
 *
 * Each acknowledgement belongs to a session ("epoch"): sequence numbers are per account, so an ack that
 * reached the next account to log in on the same connection could delete messages nobody has seen. Marks
 * of an ended session are dropped, which only means those messages come again: the safe direction.
 */
export class AckCoalescer {
  private epoch = 0;
  private wanted = 0;
  private acked = 0;
  private scheduled = false;
  private readonly canSend: () => boolean;
  private readonly schedule: (flush: () => Promise<void>) => void;

  constructor(private readonly options: AckCoalescerOptions) {
    this.canSend = options.canSend ?? (() => true);
    this.schedule = options.schedule ?? ((flush) => void flush());
  }

  /** The current session's number; marks taken now carry it to {@link offer}. */
  get sessionEpoch(): number {
    return this.epoch;
  }

  /** A session started or ended: whatever was noted before is dropped, and older marks are ignored. */
  newSession(): void {
    this.epoch++;
    this.wanted = 0;
    this.acked = 0;
  }

  /** Every message up to `upToSeq` of session `epoch` (default the current one) may be acknowledged. */
  offer(upToSeq: number, epoch = this.epoch): void {
    if (epoch !== this.epoch) return;
    if (upToSeq > this.wanted) this.wanted = upToSeq;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.scheduled || this.wanted <= this.acked) return;
    this.scheduled = true;
    this.schedule(this.flush);
  }

  /** Sends one acknowledgement (the highest noted), then schedules the next if more came meanwhile. */
  private readonly flush = async (): Promise<void> => {
    const epoch = this.epoch;
    const seq = this.wanted;
    let failed = false;
    try {
      if (seq > this.acked && this.canSend()) {
        await this.options.send(seq);
        if (epoch === this.epoch && seq > this.acked) this.acked = seq;
      }
    } catch (error) {
      // No retry: the messages stay stored and come again at the next login.
      failed = true;
      this.options.onError?.(error);
    } finally {
      this.scheduled = false;
    }
    if (!failed && this.canSend()) this.scheduleFlush();
  };
}
