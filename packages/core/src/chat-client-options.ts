/** Settings every {@link ChatClient} takes, next to its transport's own. Durations are in milliseconds. */
export interface ChatClientOptions {
  /**
   * Deadline of each request, from the call to its answer; {@link NO_TIMEOUT} for none. Default
   * {@link DEFAULT_REQUEST_TIMEOUT_MS}.
   */
  readonly requestTimeoutMs?: number;
  /** How long `connect()` may take; {@link NO_TIMEOUT} for no limit. Default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
}

/**
 * Options of one call of a {@link ChatClient}, always its last parameter (as in connect-es):
 * `client.send("bob", "hi", { signal, timeoutMs: 2_000 })`.
 */
export interface RequestOptions {
  /**
   * Gives the call up when it aborts: the call rejects with `UNAVAILABLE` whose `cause` is `signal.reason`.
   * A signal that has already aborted rejects the call without sending anything.
   */
  readonly signal?: AbortSignal;
  /** This call's deadline instead of the client's `requestTimeoutMs`; {@link NO_TIMEOUT} for none. */
  readonly timeoutMs?: number;
}

/** Options of one `send`: those of every call, plus what makes the send idempotent. */
export interface SendOptions extends RequestOptions {
  /**
   * Makes the send idempotent: an opaque id (1–32 bytes) the client picks, unique among its own sends.
   * Sending again with the same id within `SEND_DEDUPE_WINDOW_MS` (after a lost answer, a timeout, a
   * reconnect) returns the first answer and stores nothing; the same id with another recipient or content
   * is `INVALID_ARGUMENT`.
   */
  readonly clientMessageId?: Uint8Array;
}

/**
 * Where a {@link ChatClient} is in its life: `new` until `connect()`, `connecting` during it, `open` once
 * requests can be sent, `closed` for good once the client ended: after `close()` (which may first say
 * goodbye, a gRPC logout, while still open), a failed `connect()` or a lost connection.
 */
export type ClientState = "new" | "connecting" | "open" | "closed";

/**
 * Default deadline of every request of every {@link ChatClient}, whatever its transport: a request without
 * an answer after this long rejects with `UNAVAILABLE`. Override it per client (`requestTimeoutMs`) or per
 * call (`timeoutMs` in {@link RequestOptions}).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Default time `connect()` may take, handshake included, on every transport. It bounds a server that does
 * not answer; a refused wire connection fails at once, while gRPC keeps retrying until then.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * The longest deadline a client can arm: the largest delay `setTimeout` honours (about 24.8 days). A longer
 * one is treated as this; `0` turns the deadline off.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** The timeout value that means "no deadline". */
export const NO_TIMEOUT = 0;

/** Checks a timeout setting; the value to arm (`NO_TIMEOUT` for none), or `undefined` when it is not one. */
export function checkedTimeout(value: number): number | undefined {
  if (value === Number.POSITIVE_INFINITY) return NO_TIMEOUT;
  if (!Number.isFinite(value) || value < 0) return undefined;
  return Math.min(value, MAX_TIMEOUT_MS);
}
