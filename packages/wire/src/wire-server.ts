import { createServer, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { createServer as createTlsServer } from "node:tls";
import { ChatError, type ChatService, silentLogger } from "@chat/core";
import {
  ConnectionLimiter,
  type ConnectionSlot,
  connectionRefusalText,
  GracefulClose,
  nodeServerTlsOptions,
  serverShuttingDown,
} from "@chat/core/adapter";
import { seedErrorText } from "./error-frames.js";
import { encodeFrame } from "./frame-encoder.js";
import { ServerConnection } from "./server-connection.js";
import {
  type ResolvedWireServerOptions,
  resolveServerOptions,
  type WireServerOptions,
} from "./wire-server-options.js";

/** Where a {@link WireServer} listens. */
export interface WireListenOptions {
  /** Address to bind; default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** Port to bind; 0 (the default) picks a free port. */
  readonly port?: number;
}

/** The address a {@link WireServer} is listening on. */
export interface WireAddress {
  readonly host: string;
  readonly port: number;
}

/** A snapshot of a server's load. */
export interface WireServerStats {
  /** Open client connections. */
  readonly connections: number;
  /** Connections refused since the server started (server full, or too many from one address). */
  readonly refusedConnections: number;
  /** Connections closed because they sent no complete first frame in time. */
  readonly silentConnectionsClosed: number;
  /** Connections dropped because their unsent output stayed above the high-water mark too long. */
  readonly stalledConnectionsDropped: number;
  /** Bytes waiting to be written, over all connections. */
  readonly bufferedBytes: number;
  /** Bytes waiting to be written on the one connection with the most. */
  readonly largestBufferedBytes: number;
}

/** Shortest sweep period (timeouts and heartbeats are checked this often at most). */
const MIN_SWEEP_MS = 5;
/** Longest sweep period. */
const MAX_SWEEP_MS = 1_000;

/**
 * Serves a `ChatService` over TCP with the wire protocol: seed clients (codes 0–8) and extended clients
 * (after `hel`) alike. Each socket is one `ChatConnection`. Bad input never crashes the server; slow,
 * idle, silent and non-reading peers are dropped on configurable timeouts, and connections are capped in
 * all and per remote address (the adapter kit's `ConnectionLimiter`).
 */
export class WireServer {
  private readonly options: ResolvedWireServerOptions;
  private readonly server: Server;
  private readonly connections = new Set<ServerConnection>();
  private readonly tls: boolean;
  /** The global and per-address connection caps (the adapter kit's, shared with the gRPC server). */
  private readonly limiter: ConnectionLimiter;
  private readonly counters = { refused: 0, silent: 0, stalled: 0 };
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly closer: GracefulClose;
  /** Settles once the listener has stopped and every socket has closed. */
  private listenerClosed: Promise<void> | undefined;
  private nextId = 1;

  constructor(
    private readonly service: ChatService,
    options: WireServerOptions = {},
  ) {
    this.options = resolveServerOptions(options, silentLogger);
    this.limiter = new ConnectionLimiter({
      maxConnections: this.options.maxConnections,
      maxConnectionsPerAddress: this.options.maxConnectionsPerAddress,
    });
    this.tls = options.tls !== undefined;
    this.server = this.createListener(options);
    this.server.on("error", (error) => this.options.logger.error({ error: error.message }, "server error"));
    this.closer = new GracefulClose({
      timeoutMs: this.options.shutdownTimeoutMs,
      graceful: () => this.stopGracefully(),
      force: () => {
        for (const connection of this.connections) connection.destroy();
      },
      finish: () => this.finishClose(),
    });
  }

  /** Whether connections speak TLS (the `tls` option). */
  get secure(): boolean {
    return this.tls;
  }

  /** Starts listening; resolves with the bound address (the real port when 0 was asked for). */
  listen(options: WireListenOptions = {}): Promise<WireAddress> {
    const host = options.host ?? "127.0.0.1";
    const port = options.port ?? 0;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once("error", onError);
      this.server.listen({ host, port }, () => {
        this.server.off("error", onError);
        const address = this.server.address();
        const bound = typeof address === "object" && address !== null ? address.port : port;
        this.startSweeping();
        this.options.logger.info({ host, port: bound, tls: this.tls }, "wire server listening");
        resolve({ host, port: bound });
      });
    });
  }

  /** Open connections and buffered output. */
  stats(): WireServerStats {
    let bufferedBytes = 0;
    let largestBufferedBytes = 0;
    for (const connection of this.connections) {
      const buffered = connection.bufferedBytes;
      bufferedBytes += buffered;
      if (buffered > largestBufferedBytes) largestBufferedBytes = buffered;
    }
    return {
      connections: this.connections.size,
      refusedConnections: this.counters.refused,
      silentConnectionsClosed: this.counters.silent,
      stalledConnectionsDropped: this.counters.stalled,
      bufferedBytes,
      largestBufferedBytes,
    };
  }

  /**
   * Graceful shutdown: stops accepting, lets every connection finish the requests it has already read,
   * tells each client (`bye`, or `err` for seed clients), closes the sockets. Connections still open after
   * `shutdownTimeoutMs` are destroyed. The service is left open for its owner to close.
   */
  close(): Promise<void> {
    return this.closer.close();
  }

  private async stopGracefully(): Promise<void> {
    this.listenerClosed = new Promise((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((connection) => connection.shutdown()));
  }

  private async finishClose(): Promise<void> {
    await this.listenerClosed;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.options.logger.info({}, "wire server closed");
  }

  /**
   * A plain TCP listener, or with `tls` a TLS one that hands over a socket only once its handshake
   * succeeded: everything after it (frames, limits, timeouts) is the same on both.
   */
  private createListener(options: WireServerOptions): Server {
    const accept = (socket: Socket): void => this.accept(socket);
    if (options.tls === undefined) return createServer(accept);
    const server = createTlsServer(nodeServerTlsOptions(options.tls), accept);
    // A failed handshake (plaintext bytes, an old TLS version, a missing or foreign client certificate, the
    // handshake timeout) only ever reaches here: no chat connection exists for it. Node leaves a timed-out
    // socket open for this listener to decide, so it is destroyed here, whatever the error.
    server.on("tlsClientError", (error, socket) => {
      this.options.logger.info(
        { remote: socket.remoteAddress, error: error.message },
        "tls handshake failed",
      );
      socket.destroy();
    });
    // A connection in its handshake holds a socket but no chat connection, so `accept`'s cap cannot see it:
    // node's own cap counts every TCP connection, handshakes included, and drops the ones past it at once
    // (no `err` frame is possible before the handshake).
    server.maxConnections = this.options.maxConnections;
    server.on("drop", (dropped) =>
      this.options.logger.warn(
        { remote: dropped?.remoteAddress, reason: "the server is full" },
        "connection refused",
      ),
    );
    return server;
  }

  private accept(socket: Socket): void {
    const id = this.nextId++;
    const { logger } = this.options;
    socket.on("error", () => {});
    // Asked before any work is done for the socket: a refused one costs an `err` frame and a close.
    const admission = this.closer.started ? undefined : this.limiter.admit(socket.remoteAddress);
    if (admission === undefined || !admission.admitted) {
      const reason =
        admission === undefined
          ? serverShuttingDown()
          : new ChatError("RESOURCE_EXHAUSTED", connectionRefusalText(admission.refusal));
      this.counters.refused++;
      logger.warn(
        { connection: id, remote: socket.remoteAddress, reason: reason.message },
        "connection refused",
      );
      socket.end(encodeFrame({ type: "err", text: seedErrorText(reason) }));
      setTimeout(() => socket.destroy(), this.options.shutdownTimeoutMs).unref();
      return;
    }
    const { slot } = admission;
    let chat: ReturnType<ChatService["connect"]>;
    try {
      // The peer's address is what per-address limits in core count under.
      chat = this.service.connect(
        socket.remoteAddress === undefined
          ? { transport: "wire" }
          : { transport: "wire", peerAddress: socket.remoteAddress },
      );
    } catch (error) {
      slot.release();
      socket.end(encodeFrame({ type: "err", text: seedErrorText(ChatError.from(error)) }));
      return;
    }
    const connection = new ServerConnection(id, socket, chat, this.options, logger, {
      silentClosed: () => this.counters.silent++,
      stalledDropped: () => this.counters.stalled++,
    });
    this.connections.add(connection);
    logger.info(
      { connection: id, remote: socket.remoteAddress, port: socket.remotePort },
      "connection opened",
    );
    void connection.closed.then(() => this.release(connection, slot));
  }

  private release(connection: ServerConnection, slot: ConnectionSlot): void {
    this.connections.delete(connection);
    slot.release();
  }

  private startSweeping(): void {
    if (this.sweepTimer !== undefined) return;
    // The idle and drain timeouts run on their own timers (the adapter kit's lease and delivery channel).
    const { partialFrameTimeoutMs, heartbeatIntervalMs, firstFrameTimeoutMs } = this.options;
    const shortest = Math.min(partialFrameTimeoutMs, heartbeatIntervalMs, firstFrameTimeoutMs);
    const period = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.floor(shortest / 4)));
    this.sweepTimer = setInterval(() => {
      const now = performance.now();
      for (const connection of this.connections) connection.sweep(now);
    }, period);
    this.sweepTimer.unref();
  }
}
