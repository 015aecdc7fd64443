import type { ServerLogger, ServerTlsOptions } from "@chat/core";
import { DEFAULT_LEASE_RENEWAL_LIMIT_MS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from "@chat/core/adapter";
import { DEFAULT_SEED_ACK_HORIZON_BYTES } from "./seed-ack-horizon.js";

/** Default most simultaneous connections over all addresses. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/**
 * Default time a new connection has to send its first complete frame. A real client sends one at once
 * (a `hel`, a `log`); a socket that stays silent, or drips bytes, is an attack on a connection slot.
 */
export const DEFAULT_FIRST_FRAME_TIMEOUT_MS = 10_000;
/**
 * Default bytes a connection may have waiting to be written, answers and deliveries together, before
 * delivery pauses and its requests wait (past 64 waiting requests its input stays in the kernel); staying
 * above it for the drain timeout drops it. Small, because every connection may hold this much: 500 non-reading connections hold
 * at most about 500 × (128 KiB + one answer).
 */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 128 * 1024;

/** Settings of a {@link WireServer}. Every duration is in milliseconds. */
export interface WireServerOptions {
  /** Where connections, logins and errors are logged (never passwords or message contents). Default silent. */
  readonly logger?: ServerLogger;
  /**
   * Most simultaneous connections; one more gets an `err` and is closed. With `tls`, connections still in
   * their handshake count too, and one past the cap is closed at once, before any TLS. Default
   * {@link DEFAULT_MAX_CONNECTIONS}.
   */
  readonly maxConnections?: number;
  /**
   * Most simultaneous connections from one remote address; one more gets an `err` and is closed, while
   * other addresses still get in. Default 16 (`DEFAULT_MAX_CONNECTIONS_PER_ADDRESS` of `@chat/core/adapter`).
   */
  readonly maxConnectionsPerAddress?: number;
  /**
   * A connection that has not sent one complete frame this long after it opened is closed: a silent or
   * dripping socket cannot keep a slot. Default {@link DEFAULT_FIRST_FRAME_TIMEOUT_MS}.
   */
  readonly firstFrameTimeoutMs?: number;
  /**
   * A connection with no session that sends nothing for this long is closed. Minutes by default (5), so a
   * person thinking at a prompt is not cut off. Only complete requests count, never a partial frame.
   */
  readonly idleTimeoutMs?: number;
  /**
   * Requests renew the idle timeout of a connection without a session, but only this long after it opened
   * or logged out: a connection that never logs in cannot be kept for ever by one `acd` now and then.
   * Default 5 minutes (`DEFAULT_LEASE_RENEWAL_LIMIT_MS` of `@chat/core/adapter`).
   */
  readonly leaseRenewalLimitMs?: number;
  /** A frame left half-sent for this long is a slow-drip attack: the connection is closed. Default 10 s. */
  readonly partialFrameTimeoutMs?: number;
  /** An extended client with the heartbeat feature is pinged after this much silence. Default 15 s. */
  readonly heartbeatIntervalMs?: number;
  /** An extended client with the heartbeat feature that stays silent this long is dropped. Default 45 s. */
  readonly heartbeatTimeoutMs?: number;
  /** TCP keepalive delay, the dead-peer check for seed clients (they cannot answer pings). Default 30 s. */
  readonly keepAliveDelayMs?: number;
  /**
   * Bytes a connection may have waiting to be written (answers and deliveries alike) before delivery
   * pauses and requests wait (at least 16 KiB). Default
   * {@link DEFAULT_WRITE_HIGH_WATER_MARK}.
   */
  readonly writeHighWaterMark?: number;
  /**
   * A connection whose write buffer stays above the high-water mark this long is dropped (its messages stay
   * stored). Default 30 s.
   */
  readonly drainTimeoutMs?: number;
  /** How long `close()` lets in-flight requests finish and sockets close before destroying them. Default 5 s. */
  readonly shutdownTimeoutMs?: number;
  /**
   * For a client that cannot acknowledge (no sequenced delivery): a message written to it counts as
   * delivered once this many more bytes have been written after it, more than the kernel buffers between
   * the server and the client hold, or once the client closes cleanly. Raise it when the kernels' socket
   * buffers (`tcp_wmem`, `tcp_rmem`) or a proxy in between hold more. Default
   * {@link DEFAULT_SEED_ACK_HORIZON_BYTES} (40 MiB).
   */
  readonly seedAckHorizonBytes?: number;
  /**
   * Serve implicit TLS: every connection starts with the TLS handshake (no STARTTLS), then speaks frames
   * exactly as in plaintext. Default plaintext. A server serves one or the other: for clients that cannot
   * do TLS, run a second `WireServer` without `tls` on another port, in front of the same service.
   */
  readonly tls?: ServerTlsOptions;
}

/** {@link WireServerOptions} with every default filled in (`tls` is the listener's, not the connections'). */
export type ResolvedWireServerOptions = Required<Omit<WireServerOptions, "tls">>;

/** The smallest write high-water mark: the socket's own buffer size, so `drain` is always emitted. */
export const MIN_WRITE_HIGH_WATER_MARK = 16 * 1024;

/** Fills in the defaults and checks the values. */
export function resolveServerOptions(
  options: WireServerOptions,
  silent: ServerLogger,
): ResolvedWireServerOptions {
  const resolved: ResolvedWireServerOptions = {
    logger: options.logger ?? silent,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    firstFrameTimeoutMs: options.firstFrameTimeoutMs ?? DEFAULT_FIRST_FRAME_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
    leaseRenewalLimitMs: options.leaseRenewalLimitMs ?? DEFAULT_LEASE_RENEWAL_LIMIT_MS,
    partialFrameTimeoutMs: options.partialFrameTimeoutMs ?? 10_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 45_000,
    keepAliveDelayMs: options.keepAliveDelayMs ?? 30_000,
    writeHighWaterMark: Math.max(
      options.writeHighWaterMark ?? DEFAULT_WRITE_HIGH_WATER_MARK,
      MIN_WRITE_HIGH_WATER_MARK,
    ),
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
    seedAckHorizonBytes: options.seedAckHorizonBytes ?? DEFAULT_SEED_ACK_HORIZON_BYTES,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value === "number" && (!Number.isFinite(value) || value <= 0)) {
      throw new RangeError(`WireServer option ${name} must be a positive number`);
    }
  }
  return resolved;
}
