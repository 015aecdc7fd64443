import type { ChatError } from "./chat-error.js";
import type { StoredMessage } from "./store.js";

/** A message as a recipient receives it. */
export type IncomingMessage = StoredMessage;

/** How a send was handled. */
export type DeliveryMode = "live" | "stored";

/** The reply to a successful send. */
export interface SendResult {
  /** The message's sequence number in the recipient's log. */
  readonly seq: number;
  /** Server time of the send, in milliseconds since the Unix epoch. */
  readonly sentAt: number;
  /**
   * `live` when the recipient had a session with an attached sink at the time of the send (the message is
   * on its way to that device); `stored` when the recipient was offline and gets it at the next login.
   */
  readonly delivery: DeliveryMode;
}

/**
 * How core hands messages to a transport's session. Core calls `deliver` for each message in sequence
 * order and never blocks on it; a sink that returns false is full, and core offers nothing more until the
 * transport calls `ChatConnection.resume()`. The message given in the call that returned false was taken.
 */
export interface DeliverySink {
  /** Takes one message; returns false when the sink wants no more until resumed (backpressure). */
  deliver(message: IncomingMessage): boolean;
  /**
   * The session behind this sink ended without the transport asking (the service is shutting down, or
   * delivery failed in the store). Not called for the transport's own logout, delete or close.
   */
  ended?(reason: ChatError): void;
}
