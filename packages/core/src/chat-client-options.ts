/** Settings every {@link ChatClient} takes, next to its transport's own. Durations are in milliseconds. */
export interface ChatClientOptions {
  /**
   * Deadline of each request, from the call to its answer; {@link NO_TIMEOUT} for none. Default
   * {@link DEFAULT_REQUEST_TIMEOUT_MS}.
   */
  readonly requestTimeoutMs?: number;
  /** How long `connect()` may take; {@link NO_TIMEOUT} for no limit. Default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
  /**
   * Reconnect after a lost connection (see {@link ReconnectOptions}); `true` for the defaults. Off by
   * default in the library: a reconnecting client keeps the account's password in memory while logged in,
   * and an application that wants every loss to surface (today's behaviour) should not have to opt out.
   */
  readonly reconnect?: boolean | ReconnectOptions;
}

/**
 * How a client reconnects after a lost connection. It waits a jittered, doubling delay between attempts
 * (from {@link RECONNECT_INITIAL_DELAY_MS} to {@link RECONNECT_MAX_DELAY_MS}), opens the transport again,
 * logs in again as the same account, resumes delivery and resends its outbox. Durations in milliseconds.
 */
export interface ReconnectOptions {
  /** Attempts after one loss before the client gives up and closes; default unlimited (`Infinity`). */
  readonly maxAttempts?: number;
  /** Delay before the first attempt (before jitter); default {@link RECONNECT_INITIAL_DELAY_MS}. */
  readonly initialDelayMs?: number;
  /** Longest delay between attempts (before jitter); default {@link RECONNECT_MAX_DELAY_MS}. */
  readonly maxDelayMs?: number;
  /**
   * What a call made while the client is reconnecting does: wait for the connection within its deadline
   * (`true`, the default) or fail at once with `UNAVAILABLE` (`false`). A call's own
   * {@link RequestOptions.waitForConnection} overrides it.
   */
  readonly waitForConnection?: boolean;
  /**
   * How long the client keeps trying when logging in again is refused because the account is logged in
   * elsewhere, before it closes as taken over. The refusal is often the server still holding the session
   * of the connection that was just lost, until it notices (its heartbeat timeout); default
   * {@link LOGGED_IN_ELSEWHERE_GRACE_MS}.
   */
  readonly loggedInElsewhereGraceMs?: number;
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
  /**
   * Only for a client that reconnects: whether this call, made while the client is reconnecting, waits for
   * the connection (within its deadline) or fails at once with `UNAVAILABLE`. Default: the client's
   * {@link ReconnectOptions.waitForConnection}.
   */
  readonly waitForConnection?: boolean;
}

/** Options of one `send`: those of every call, plus what makes the send idempotent. */
export interface SendOptions extends RequestOptions {
  /**
   * Makes the send idempotent: an opaque id (1–32 bytes) the client picks, unique among its own sends.
   * Sending again with the same id within `SEND_DEDUPE_WINDOW_MS` (after a lost answer, a timeout, a
   * reconnect) returns the first answer and stores nothing; the same id with another recipient or content
   * is `INVALID_ARGUMENT`. A client that reconnects gives every send without one a random
   * {@link GENERATED_CLIENT_MESSAGE_ID_BYTES}-byte id, so it can resend it safely.
   */
  readonly clientMessageId?: Uint8Array;
}

/**
 * Where a {@link ChatClient} is in its life: `new` until `connect()`, `connecting` during it, `open` once
 * requests can be sent, `reconnecting` after a lost connection while a client that reconnects works to get
 * it back, `closed` for good once the client ended: after `close()` (which may first say goodbye, a gRPC
 * logout, while still open), a failed `connect()`, or a lost connection it did not (or could not) get back.
 */
export type ClientState = "new" | "connecting" | "open" | "reconnecting" | "closed";

/** Delay before the first reconnect attempt, before jitter. */
export const RECONNECT_INITIAL_DELAY_MS = 100;
/** Longest delay between reconnect attempts, before jitter; the delay doubles up to it. */
export const RECONNECT_MAX_DELAY_MS = 10_000;
/** Factor by which the reconnect delay grows after each failed attempt. */
export const RECONNECT_BACKOFF_FACTOR = 2;
/**
 * Share of each reconnect delay that is random: a delay `d` becomes a uniform pick in
 * `[d × (1 − RECONNECT_JITTER), d]`, so clients cut off together do not come back together.
 */
export const RECONNECT_JITTER = 0.5;
/**
 * Default of {@link ReconnectOptions.loggedInElsewhereGraceMs}: longer than the longest a session our lost
 * connection leaves behind can outlive it on a server with default settings, so that refusal is never read
 * as a takeover. That is the session lease (`DEFAULT_SESSION_LEASE_MS`, 60 s): over gRPC a cut that swallows
 * the answer to a login leaves a session whose token the client never learnt, and it lives until its lease
 * ends; the wire's heartbeat timeout (45 s) is shorter. Plus a margin for the reconnect backoff's last step.
 */
export const LOGGED_IN_ELSEWHERE_GRACE_MS = 90_000;
/** Bytes of the random client message id a reconnecting client gives each send without one. */
export const GENERATED_CLIENT_MESSAGE_ID_BYTES = 16;

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
