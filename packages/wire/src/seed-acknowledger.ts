import type { ChatConnection, ServerLogger } from "@chat/core";
import { AckCoalescer } from "@chat/core/adapter";

/**
 * Acknowledges messages on behalf of a client that cannot (a seed client, or one without sequenced
 * delivery), once its `SeedAckHorizon` says they were delivered. The adapter kit's `AckCoalescer` keeps it
 * to one store call at a time, tied to the session the write belongs to, so a late write callback never
 * acknowledges another account's messages after a re-login.
 */
export class SeedAcknowledger {
  private readonly coalescer: AckCoalescer;

  constructor(
    private readonly chat: ChatConnection,
    private readonly log: ServerLogger,
    private readonly connectionId: number,
  ) {
    this.coalescer = new AckCoalescer({
      send: (upToSeq) => chat.ack(upToSeq),
      canSend: () => chat.username !== undefined,
      onError: this.failed,
    });
  }

  /** The current session's number; marks taken now carry it. */
  get sessionEpoch(): number {
    return this.coalescer.sessionEpoch;
  }

  /** A session started or ended: marks of the one before are ignored from now on. */
  newSession(): void {
    this.coalescer.newSession();
  }

  /** Every message up to `upToSeq` of session `epoch` was delivered. */
  offer(upToSeq: number, epoch: number): void {
    this.coalescer.offer(upToSeq, epoch);
  }

  /**
   * The last acknowledgement before the session ends: sent at once, even while another is in flight (it
   * covers that one too), since a turn taken after the session ended would be refused.
   */
  acknowledgeNow(upToSeq: number, epoch: number): void {
    if (epoch !== this.coalescer.sessionEpoch || this.chat.username === undefined) return;
    try {
      this.chat.ack(upToSeq).catch(this.failed);
    } catch (error) {
      // A session that ended on its own (a lost lease) refuses at once.
      this.failed(error);
    }
  }

  private readonly failed = (error: unknown): void => {
    // No retry: the messages stay stored and come again at the next login.
    this.log.debug(
      { connection: this.connectionId, error: error instanceof Error ? error.message : String(error) },
      "acknowledging a written message failed",
    );
  };
}
