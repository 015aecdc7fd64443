import type { ChatConnection, ServerLogger } from "@chat/core";

/**
 * Acknowledges messages on behalf of a client that cannot (a seed client, or one without sequenced
 * delivery): a message counts as delivered once its `nms` bytes have been handed to the operating system.
 * Acknowledgements are coalesced to one store call at a time, and tied to the session they belong to, so a
 * late write callback never acknowledges another account's messages after a re-login.
 */
export class SeedAcknowledger {
  private epoch = 0;
  private wanted = 0;
  private acked = 0;
  private running = false;

  constructor(
    private readonly chat: ChatConnection,
    private readonly log: ServerLogger,
    private readonly connectionId: number,
  ) {}

  /** The current session's number: delivery marks carry it. */
  get sessionEpoch(): number {
    return this.epoch;
  }

  /** A session started or ended: marks from before are ignored from now on. */
  newSession(): void {
    this.epoch++;
    this.wanted = 0;
    this.acked = 0;
  }

  /** Every message up to `seq` of session `epoch` has been written to the socket. */
  written(seq: number, epoch: number): void {
    if (epoch !== this.epoch) return;
    if (seq > this.wanted) this.wanted = seq;
    if (!this.running) void this.run(epoch);
  }

  private async run(epoch: number): Promise<void> {
    this.running = true;
    try {
      while (this.wanted > this.acked && epoch === this.epoch && this.chat.username !== undefined) {
        const seq = this.wanted;
        await this.chat.ack(seq);
        if (epoch === this.epoch) this.acked = seq;
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.log.debug(
        { connection: this.connectionId, error: detail },
        "acknowledging a written message failed",
      );
    } finally {
      this.running = false;
    }
  }
}
