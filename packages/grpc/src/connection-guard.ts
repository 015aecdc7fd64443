import {
  constants as http2Constants,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import type { Socket } from "node:net";
import type { ServerLogger } from "@chat/core";
import { type ConnectionLimiter, connectionRefusalText } from "@chat/core/adapter";
import { HTTP2_PREFACE_BYTES } from "./framing.js";
import type { GrpcHttp2Server } from "./http2-server-hook.js";
import { AUTHORIZATION_KEY } from "./session-token.js";

/**
 * How long a stream whose response is complete may wait for the client to end its side before the server
 * resets it (RST_STREAM NO_ERROR, as gRPC's HTTP/2 protocol allows after the trailers). Without it, a call
 * ended by the request deadline while its client never ends its request keeps a stream slot, and keeps its
 * connection from ever counting as idle.
 */
export const RESPONDED_STREAM_GRACE_MS = 1_000;

/** What a {@link ConnectionGuard} counts. */
export interface ConnectionGuardCounts {
  /** Connections refused: the server or the client's address had all its connections. */
  refused: number;
  /** Connections closed for not sending the HTTP/2 preface before the deadline. */
  silentClosed: number;
}

/** Options of a {@link ConnectionGuard}. */
export interface ConnectionGuardOptions {
  /** The global and per-address caps (the adapter kit's, shared in kind with the wire server). */
  readonly limiter: ConnectionLimiter;
  /** How long a new connection has to send the HTTP/2 preface. */
  readonly prefaceTimeoutMs: number;
  readonly logger: ServerLogger;
}

/**
 * The socket-level limits of a gRPC server, attached to each HTTP/2 server grpc-js creates:
 *
 * - every accepted TCP connection takes a slot of the {@link ConnectionLimiter} before HTTP/2 or TLS
 *   sees it; past either cap it is closed at once;
 * - a connection that has not sent {@link HTTP2_PREFACE_BYTES} bytes within the preface deadline is closed,
 *   so a silent or dripping socket cannot keep a slot;
 * - a request header that Node's HTTP/2 layer keeps only once (`authorization` is a "single-value" header:
 *   Node drops the later copies) is handed on with every copy, so the call sees them all and can refuse
 *   a request carrying more than one.
 */
export class ConnectionGuard {
  readonly counts: ConnectionGuardCounts = { refused: 0, silentClosed: 0 };

  constructor(private readonly options: ConnectionGuardOptions) {}

  /** Connections holding a slot now. */
  get connections(): number {
    return this.options.limiter.size;
  }

  /** Starts guarding `http2Server`; called before it accepts anything. */
  attach(http2Server: GrpcHttp2Server): void {
    // Prepended: runs before HTTP/2 (or TLS) takes the socket, so a refused one costs nothing more.
    http2Server.prependListener("connection", (socket: Socket) => this.admit(socket));
    http2Server.on("session", (session: ServerHttp2Session) => {
      // Prepended: runs before the session hands the stream to grpc-js, which reads `headers`.
      // Node passes the raw header list as a fourth argument its typings leave out.
      session.prependListener(
        "stream",
        (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
          keepRepeatedAuthorization(headers, rawHeaders);
          stream.once("finish", () => resetIfClientStillSending(stream));
        },
      );
    });
  }

  private admit(socket: Socket): void {
    const { limiter, logger, prefaceTimeoutMs } = this.options;
    const admission = limiter.admit(socket.remoteAddress);
    if (!admission.admitted) {
      this.counts.refused++;
      logger.warn(
        { remote: socket.remoteAddress, reason: connectionRefusalText(admission.refusal) },
        "grpc connection refused",
      );
      socket.destroy();
      return;
    }
    const { slot } = admission;
    const deadline = setTimeout(() => {
      if (socket.bytesRead >= HTTP2_PREFACE_BYTES || socket.destroyed) return;
      this.counts.silentClosed++;
      logger.info(
        { remote: socket.remoteAddress, bytesRead: socket.bytesRead, prefaceTimeoutMs },
        "grpc connection sent no HTTP/2 preface in time; closing it",
      );
      socket.destroy();
    }, prefaceTimeoutMs);
    deadline.unref();
    socket.once("close", () => {
      clearTimeout(deadline);
      slot.release();
    });
  }
}

/** The server has sent its whole response: a client that has not ended its request is told to stop. */
function resetIfClientStillSending(stream: ServerHttp2Stream): void {
  if (stream.readableEnded || stream.closed) return;
  // A moment's grace, so the trailers (the call's status) are on the wire before the reset.
  const timer = setTimeout(() => {
    if (!stream.closed) stream.close(http2Constants.NGHTTP2_NO_ERROR);
  }, RESPONDED_STREAM_GRACE_MS);
  timer.unref();
  stream.once("close", () => clearTimeout(timer));
}

/** Puts every copy of a repeated `authorization` header back into `headers`, which Node left with one. */
function keepRepeatedAuthorization(headers: IncomingHttpHeaders, rawHeaders: string[]): void {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index] === AUTHORIZATION_KEY) values.push(rawHeaders[index + 1] ?? "");
  }
  // grpc-js turns an array into one metadata value per element.
  if (values.length > 1)
    (headers as Record<string, string | string[] | undefined>)[AUTHORIZATION_KEY] = values;
}
