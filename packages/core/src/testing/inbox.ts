import type { ChatClient } from "../chat-client.js";
import type { IncomingMessage } from "../delivery.js";

/** How long conformance waits for something that should happen, in milliseconds. */
export const ARRIVAL_TIMEOUT_MS = 5000;
/** How long conformance watches for something that must not happen, in milliseconds. */
export const QUIET_PERIOD_MS = 150;

/**
 * Reads a client's `messages` stream in the background into a buffer, so a test can wait for the next
 * few messages with a timeout (a timed-out wait consumes nothing) and check that nothing else arrived.
 */
export class Inbox {
  private readonly received: IncomingMessage[] = [];
  private taken = 0;
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(client: ChatClient) {
    void (async () => {
      for await (const message of client.messages) {
        this.received.push(message);
        this.wake?.();
      }
      this.ended = true;
      this.wake?.();
    })();
  }

  /** Every message received so far, taken or not. */
  get all(): readonly IncomingMessage[] {
    return this.received;
  }

  /** Waits for the next `count` messages; throws if they do not all arrive in time. */
  async take(count: number, timeoutMs = ARRIVAL_TIMEOUT_MS): Promise<IncomingMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length - this.taken < count) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        const have = this.received.length - this.taken;
        throw new Error(
          `expected ${count} more message(s), got ${have}${this.ended ? " before the stream ended" : ""}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    const messages = this.received.slice(this.taken, this.taken + count);
    this.taken += count;
    return messages;
  }

  /** Waits for exactly one message. */
  async next(timeoutMs = ARRIVAL_TIMEOUT_MS): Promise<IncomingMessage> {
    const [message] = await this.take(1, timeoutMs);
    return message as IncomingMessage;
  }

  /** Waits a short while and returns whatever arrived that was not taken yet (ideally nothing). */
  async quiet(periodMs = QUIET_PERIOD_MS): Promise<IncomingMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, periodMs));
    const extra = this.received.slice(this.taken);
    this.taken = this.received.length;
    return extra;
  }
}
