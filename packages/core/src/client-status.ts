import { AsyncQueue } from "./async-queue.js";
import type { ChatError } from "./chat-error.js";

/**
 * What happened to a client's connection, as `ChatClient.status()` tells it (in the manner of nats.js):
 * - `disconnected`: the connection was lost; a client that reconnects is now `reconnecting`.
 * - `reconnecting`: attempt `attempt` (from 1) starts after `delayMs`.
 * - `reconnected`: the connection is back, the session logged in again and the outbox resent.
 * - `delivery-gap`: a message arrived with a higher seq than the next one expected. Sequence numbers are
 *   consecutive per recipient, so this is a bug (of a server or a store) being reported; the message is
 *   still handed to the application.
 * - `closed`: the client ended for good; `reason` is why (`undefined` after `close()`). The last event.
 */
export type ClientStatus =
  | { readonly type: "disconnected"; readonly reason: ChatError }
  | { readonly type: "reconnecting"; readonly attempt: number; readonly delayMs: number }
  | { readonly type: "reconnected" }
  | { readonly type: "delivery-gap"; readonly expectedSeq: number; readonly receivedSeq: number }
  | { readonly type: "closed"; readonly reason: ChatError | undefined };

/** Fans status events out to every `status()` iterator open at the time; each ends after `closed`. */
export class StatusHub {
  private readonly listeners = new Set<AsyncQueue<ClientStatus>>();
  private final: ClientStatus | undefined;

  /**
   * A new iterable of the events from now on; one that starts after the end yields only `closed`. Leaving
   * its `for await` early (`break`) unsubscribes it.
   */
  subscribe(): AsyncIterable<ClientStatus> {
    const queue = new AsyncQueue<ClientStatus>();
    if (this.final) {
      queue.push(this.final);
      queue.end();
    } else this.listeners.add(queue);
    const listeners = this.listeners;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => queue.next(),
        return: () => {
          listeners.delete(queue);
          queue.end();
          return Promise.resolve({ value: undefined, done: true });
        },
      }),
    };
  }

  /** Tells every listener; a `closed` event ends them all. */
  emit(status: ClientStatus): void {
    if (this.final) return;
    for (const queue of this.listeners) queue.push(status);
    if (status.type !== "closed") return;
    this.final = status;
    for (const queue of this.listeners) queue.end();
    this.listeners.clear();
  }
}
