import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from "@chat/core/adapter";
import type { ChannelOptions } from "@grpc/grpc-js";
import { MAX_CHAT_BATCH_BYTES } from "./chat-batch.js";

/**
 * Largest request of a unary call or `Subscribe` the server accepts, in bytes. The biggest real one is a
 * `SendMessage` with 512 bytes of content and a 16-byte name (about 540 bytes encoded); a `ListAccounts`
 * page token is shorter. 4 KiB leaves room for growth while refusing grpc-js's 4 MiB default.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024;

/**
 * Largest message of a `Chat` stream the server accepts, in bytes: one message joins the requests a client
 * issued in one turn of its event loop (`ChatRequest.more`), up to the batch size both sides join into
 * (`MAX_CHAT_BATCH_BYTES`, HTTP/2's default frame size of 16 KiB), as the server's own batches of answers
 * and messages do. At the unary limit (4 KiB, 3.9 requests per
 * stream message in the bench's relay of 512-byte messages), the grpc-js and HTTP/2 work per stream message
 * made the 8-pair stream relay deliver 44,434–53,740 msgs/s; at 16 KiB (9.7 per message) 63,731–75,486,
 * alternating, 4 runs each. The cost: grpc-js holds up to this much of a message that has not fully arrived
 * per call, so 16 KiB instead of 4 KiB per `Chat` stream. Unary calls and `Subscribe` keep
 * {@link DEFAULT_MAX_REQUEST_BYTES}.
 */
export const DEFAULT_MAX_CHAT_MESSAGE_BYTES = MAX_CHAT_BATCH_BYTES;

/**
 * Largest response the server ever sends, in bytes: a `ListAccounts` page at the maximum page size of 1000
 * names of up to 16 bytes is about 18 KB. Everything else (a 512-byte message) is far smaller.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024;

/** Default most simultaneous gRPC connections over all addresses (the wire server's default too). */
export const DEFAULT_MAX_GRPC_CONNECTIONS = 10_000;
/**
 * Default time a new connection has to send the HTTP/2 preface (24 bytes; over TLS, the first 24 bytes of
 * its handshake). A real client sends it at once.
 */
export const DEFAULT_PREFACE_TIMEOUT_MS = 10_000;
/**
 * Default most concurrent HTTP/2 streams (calls) per client connection: the `Chat` or `Subscribe` stream
 * plus pipelined unary calls. 64, as many requests as the wire server queues per connection before it stops
 * reading, so a client that keeps sends in flight is held back the same on both transports; with 16, the bench's relay sender (32 sends in flight) had half of them waiting in the client, and
 * the unary relay measured 78 % of bare grpc-js (no cap) against 103 % at 64 (4 alternating pairs). The
 * large answers among them are listing pages, which the listing rate bounds per connection (20 at once).
 */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 64;
/**
 * Default time a call has to deliver its whole request (unary calls and `Subscribe`; `Chat` needs none):
 * a real client sends it with the headers.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * grpc-js keeps channelz statistics (per-call counters, a timestamp per message) unless told not to. Neither
 * the server nor the client serves or reads channelz, so both switch it off.
 */
const NO_CHANNELZ: ChannelOptions = { "grpc.enable_channelz": 0 };

/** The transport limits of a {@link GrpcServer}; every field has a hardened default. */
export interface GrpcServerLimits {
  /** Most simultaneous connections; one more is closed at once. */
  readonly maxConnections: number;
  /** Most simultaneous connections from one remote address; one more is closed at once. */
  readonly maxConnectionsPerAddress: number;
  /** A connection that has not sent the HTTP/2 preface this long after it opened is closed, in ms. */
  readonly prefaceTimeoutMs: number;
  /**
   * A call whose request has not fully arrived this long after it started ends with
   * `DEADLINE_EXCEEDED`, in milliseconds (unary calls and `Subscribe`).
   */
  readonly requestTimeoutMs: number;
  /**
   * Largest request of a unary call or `Subscribe` accepted, in bytes; a larger one fails with
   * `RESOURCE_EXHAUSTED` before any handler decodes it.
   */
  readonly maxReceiveMessageBytes: number;
  /**
   * Largest `Chat` stream message accepted (it may join several requests), in bytes; a larger one ends the
   * stream with `RESOURCE_EXHAUSTED`.
   */
  readonly maxChatMessageBytes: number;
  /** Largest response message sent, in bytes. */
  readonly maxSendMessageBytes: number;
  /** Concurrent HTTP/2 streams (calls) per client connection. */
  readonly maxConcurrentStreams: number;
  /** How often the server pings an idle connection to find dead peers, in milliseconds. */
  readonly keepaliveTimeMs: number;
  /** How long a ping may go unanswered before the connection is dropped, in milliseconds. */
  readonly keepaliveTimeoutMs: number;
  /** A connection with no call in progress for this long is closed (GOAWAY), in milliseconds. */
  readonly maxConnectionIdleMs: number;
  /**
   * A connection older than this gets a GOAWAY, in milliseconds: new calls go over a fresh connection,
   * which spreads load after deploys.
   */
  readonly maxConnectionAgeMs: number;
  /**
   * How long calls still running on an aged-out connection may continue, in milliseconds. `undefined` (the
   * default) lets them run to their natural end, so an open `Subscribe` stream is never cut by age alone.
   */
  readonly maxConnectionAgeGraceMs: number | undefined;
}

/** The defaults of {@link GrpcServerLimits}. */
export const DEFAULT_GRPC_SERVER_LIMITS: GrpcServerLimits = {
  maxConnections: DEFAULT_MAX_GRPC_CONNECTIONS,
  maxConnectionsPerAddress: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  prefaceTimeoutMs: DEFAULT_PREFACE_TIMEOUT_MS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  maxReceiveMessageBytes: DEFAULT_MAX_REQUEST_BYTES,
  maxChatMessageBytes: DEFAULT_MAX_CHAT_MESSAGE_BYTES,
  maxSendMessageBytes: DEFAULT_MAX_RESPONSE_BYTES,
  maxConcurrentStreams: DEFAULT_MAX_CONCURRENT_STREAMS,
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 10_000,
  maxConnectionIdleMs: 5 * 60_000,
  maxConnectionAgeMs: 60 * 60_000,
  maxConnectionAgeGraceMs: undefined,
};

/**
 * The grpc-js server options that enforce `limits`. grpc-js has one receive limit for every method: it
 * gets the larger of the two, and the server refuses the unary requests between them itself (see
 * `request-size-limit.ts`).
 */
export function serverChannelOptions(limits: GrpcServerLimits): ChannelOptions {
  const options: ChannelOptions = {
    "grpc.max_receive_message_length": Math.max(limits.maxReceiveMessageBytes, limits.maxChatMessageBytes),
    "grpc.max_send_message_length": limits.maxSendMessageBytes,
    "grpc.max_concurrent_streams": limits.maxConcurrentStreams,
    "grpc.keepalive_time_ms": limits.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": limits.keepaliveTimeoutMs,
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.max_connection_idle_ms": limits.maxConnectionIdleMs,
    "grpc.max_connection_age_ms": limits.maxConnectionAgeMs,
    ...NO_CHANNELZ,
  };
  if (limits.maxConnectionAgeGraceMs !== undefined) {
    options["grpc.max_connection_age_grace_ms"] = limits.maxConnectionAgeGraceMs;
  }
  return options;
}

/** The transport limits of a {@link GrpcClient}; every field has a default matching the server's. */
export interface GrpcClientLimits {
  /** Largest response accepted, in bytes. */
  readonly maxReceiveMessageBytes: number;
  /**
   * Largest request message sent, in bytes; larger ones fail locally with `RESOURCE_EXHAUSTED`. `Chat`
   * stream messages that join requests are kept within it; the server accepts unary requests of only up
   * to its `maxReceiveMessageBytes`.
   */
  readonly maxSendMessageBytes: number;
  /** How often the client pings the server while connected, in milliseconds. */
  readonly keepaliveTimeMs: number;
  /** How long a ping may go unanswered before the connection counts as dead, in milliseconds. */
  readonly keepaliveTimeoutMs: number;
}

/** The defaults of {@link GrpcClientLimits}. */
export const DEFAULT_GRPC_CLIENT_LIMITS: GrpcClientLimits = {
  maxReceiveMessageBytes: DEFAULT_MAX_RESPONSE_BYTES,
  // The server's `Chat` message limit: the client joins the requests of one turn up to it.
  maxSendMessageBytes: DEFAULT_MAX_CHAT_MESSAGE_BYTES,
  keepaliveTimeMs: 60_000,
  keepaliveTimeoutMs: 10_000,
};

/** The grpc-js channel options that enforce `limits`. */
export function clientChannelOptions(limits: GrpcClientLimits): ChannelOptions {
  return {
    "grpc.max_receive_message_length": limits.maxReceiveMessageBytes,
    "grpc.max_send_message_length": limits.maxSendMessageBytes,
    "grpc.keepalive_time_ms": limits.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": limits.keepaliveTimeoutMs,
    // A logged-in client may sit quietly on its Subscribe stream for a long time; pings find a dead server.
    "grpc.keepalive_permit_without_calls": 1,
    ...NO_CHANNELZ,
  };
}
