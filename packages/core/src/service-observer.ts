import type { ChatErrorCodeName } from "./chat-error.js";
import type { DeliveryMode } from "./delivery.js";

/** The requests a connection serves, as {@link ServiceObserver.requestFinished} names them. */
export type RequestOperation =
  | "register"
  | "listAccounts"
  | "login"
  | "logout"
  | "deleteAccount"
  | "send"
  | "ack";

/** One finished request, for metrics. */
export interface RequestEvent {
  /** The transport's label for the connection (`ChatService.connect({ transport })`), `unknown` without one. */
  readonly transport: string;
  readonly operation: RequestOperation;
  /** From the call to its settling, in milliseconds, including any time queued behind the store. */
  readonly durationMs: number;
  /** The code it failed with; absent on success. Errors that are not a `ChatError` count as `INTERNAL`. */
  readonly errorCode?: ChatErrorCodeName;
}

/**
 * Hooks for watching the service from outside, e.g. to export metrics; set with
 * `ChatServiceOptions.observer`. Every hook is optional, is called synchronously on the service's own path
 * and must be cheap and must not throw: it runs on every request and every delivered message. The
 * observer only watches, it never changes what the service does. Labels come from the transport, so the
 * domain still does not know what a transport is.
 */
export interface ServiceObserver {
  /** A transport opened a connection. */
  connectionOpened?(transport: string): void;
  /** That connection closed (once per connection). */
  connectionClosed?(transport: string): void;
  /** A request on a connection settled. */
  requestFinished?(event: RequestEvent): void;
  /** A message was accepted: `live` when its recipient was online, `stored` otherwise. */
  messageSent?(delivery: DeliveryMode): void;
  /** A message was handed to the transport of a connection for its recipient. */
  messageDelivered?(transport: string): void;
}

/** Who a connection is, as its transport sees it: its label for the {@link ServiceObserver}, its address. */
export interface ConnectOptions {
  /** A short name of the transport, e.g. `wire` or `grpc`. */
  readonly transport?: string;
  /**
   * The peer's network address (e.g. `socket.remoteAddress`): per-address limits count under it (an IPv6
   * address by its /64). Absent for in-process clients, which all count as one source.
   */
  readonly peerAddress?: string;
}
