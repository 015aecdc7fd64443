import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import {
  type ChatConnection,
  ChatError,
  type DeliverySink,
  type IncomingMessage,
  type ServerLogger,
} from "@chat/core";
import { DecodeError } from "./decode-error.js";
import { errorReply, goodbye } from "./error-frames.js";
import { ALL_FEATURES, Feature, hasFeature, PROTOCOL_VERSION } from "./features.js";
import type { Frame } from "./frame.js";
import { FrameReader } from "./frame-reader.js";
import { FrameWriter } from "./frame-writer.js";
import { handleRequest, type RequestContext } from "./request-handler.js";
import { SeedAcknowledger } from "./seed-acknowledger.js";
import type { ResolvedWireServerOptions } from "./wire-server-options.js";

/** Decoded requests waiting their turn; above this the socket is paused, so a flood cannot grow memory. */
const MAX_QUEUED_REQUESTS = 64;

/**
 * One client socket of a `WireServer`: reads frames, runs requests one at a time in arrival order against its
 * own `ChatConnection`, writes answers in the same order, and delivers messages between answers. It decides
 * no domain rule; it only translates frames to calls and `ChatError`s to frames.
 */
export class ServerConnection {
  private readonly reader = new FrameReader();
  private readonly writer: FrameWriter;
  private readonly queue: Array<Frame | DecodeError> = [];
  private readonly backlog: Buffer[] = [];
  private endTimer: NodeJS.Timeout | undefined;
  private pumping = false;
  private readPaused = false;
  private stopReading = false;
  private ending = false;
  private structured = false;
  private sequenced = false;
  private heartbeat = false;
  private lastInboundAt: number;
  private lastRequestAt: number;
  private lastPingAt = 0;
  private pingNonce = 0;
  private partialSince: number | undefined;
  private partialFramesRead = 0;
  private blockedSince: number | undefined;
  private deliveryPaused = false;
  private readonly drainWaiters: Array<() => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly acknowledger: SeedAcknowledger;
  private context: RequestContext;
  private readonly closedPromise: Promise<void>;

  constructor(
    /** A number naming this connection in logs. */
    readonly id: number,
    private readonly socket: Socket,
    private readonly chat: ChatConnection,
    private readonly options: ResolvedWireServerOptions,
    private readonly log: ServerLogger,
  ) {
    this.acknowledger = new SeedAcknowledger(chat, log, id);
    this.writer = new FrameWriter(socket, (mark, epoch) => this.acknowledger.written(mark, epoch));
    this.context = {
      chat,
      id,
      log,
      features: 0,
      send: (frame) => this.send(frame),
      loggedIn: () => this.loggedIn(),
      sessionEnded: () => this.sessionEnded(),
    };
    this.lastInboundAt = performance.now();
    this.lastRequestAt = this.lastInboundAt;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, options.keepAliveDelayMs);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => this.onDrain());
    socket.on("error", (error) => this.log.debug({ connection: id, error: error.message }, "socket error"));
    this.closedPromise = new Promise((resolve) => {
      socket.once("close", () => {
        this.onClose();
        resolve();
      });
    });
  }

  /** Resolves once the socket has closed. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Bytes waiting to be written to this client. */
  get bufferedBytes(): number {
    return this.writer.bufferedBytes;
  }

  // ---- Reading ------------------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.stopReading) return;
    this.lastInboundAt = performance.now();
    // The socket is paused while the reader holds unread input; a chunk that still slips through waits here.
    if (this.reader.hasUnreadInput) {
      this.backlog.push(chunk);
      return;
    }
    this.reader.feed(chunk);
    this.readFrames();
  }

  /** Decodes frames until the queue is full; the rest of the chunk waits in the reader, the socket paused. */
  private readFrames(): void {
    while (this.queue.length < MAX_QUEUED_REQUESTS && !this.stopReading) {
      let frame: Frame | undefined;
      try {
        frame = this.reader.next();
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        this.lastRequestAt = this.lastInboundAt;
        this.queue.push(error);
        if (error.fatal) this.stopReading = true;
        continue;
      }
      if (frame === undefined) {
        const chunk = this.backlog.shift();
        if (chunk === undefined) break;
        this.reader.feed(chunk);
        continue;
      }
      if (this.handleControl(frame)) continue;
      this.lastRequestAt = this.lastInboundAt;
      this.queue.push(frame);
    }
    const backlog = (this.reader.hasUnreadInput || this.backlog.length > 0) && !this.stopReading;
    if (backlog !== this.readPaused) {
      this.readPaused = backlog;
      if (backlog) this.socket.pause();
      else this.socket.resume();
    }
    this.trackPartialFrame();
    if (this.queue.length > 0) this.pump();
  }

  private trackPartialFrame(): void {
    if (!this.reader.hasPartialFrame) this.partialSince = undefined;
    else if (this.partialSince === undefined || this.reader.framesRead !== this.partialFramesRead) {
      this.partialSince = performance.now();
      this.partialFramesRead = this.reader.framesRead;
    }
  }

  /** Frames answered at once instead of queued: `hel` (first frame only) and the heartbeat. */
  private handleControl(frame: Frame): boolean {
    switch (frame.type) {
      case "hel":
        if (this.reader.framesRead !== 1) return false;
        this.negotiate(frame.version, frame.features);
        return true;
      case "png":
        if (!this.heartbeat) return false;
        this.send({ type: "pog", nonce: frame.nonce });
        return true;
      case "pog":
        return this.heartbeat;
      default:
        return false;
    }
  }

  private negotiate(version: number, requested: number): void {
    const features = requested & ALL_FEATURES;
    this.context = { ...this.context, features };
    this.structured = hasFeature(features, Feature.structuredReplies);
    this.sequenced = hasFeature(features, Feature.sequencedDelivery);
    this.heartbeat = hasFeature(features, Feature.heartbeat);
    this.send({ type: "hey", version: PROTOCOL_VERSION, features });
    // The `hey` itself goes out fixed; every frame after it, and every frame after the `hel`, is compact.
    if (hasFeature(features, Feature.compactFrames)) {
      this.reader.useCompactFraming();
      this.writer.useCompactFraming();
    }
    this.log.debug({ connection: this.id, version, features }, "hello");
  }

  // ---- Requests -----------------------------------------------------------------------------------------

  /**
   * Runs queued requests one at a time, in order. A plain loop rather than an `async` one: it goes on
   * synchronously until a request has to wait, and that request's continuation picks the loop up again, so a
   * request costs one continuation rather than an async frame's promise and await on top of core's.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.runQueue();
  }

  private readonly runQueue = (): void => {
    while (this.queue.length > 0 && !this.ending) {
      if (this.writer.bufferedBytes > this.options.writeHighWaterMark) {
        void this.waitForRoom().then(this.runQueue);
        return;
      }
      const item = this.queue.shift() as Frame | DecodeError;
      if (this.readPaused) this.readFrames();
      if (item instanceof DecodeError) {
        if (item.fatal) {
          this.end(new ChatError("INVALID_ARGUMENT", `${item.message}; closing the connection`));
          break;
        }
        this.replyError(new ChatError("INVALID_ARGUMENT", `bad frame: ${item.message}`));
        continue;
      }
      let pending: Promise<void>;
      try {
        pending = handleRequest(item, this.context);
      } catch (error) {
        this.replyError(error);
        continue;
      }
      pending.then(this.runQueue, this.requestFailed);
      return;
    }
    this.pumping = false;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  };

  private readonly requestFailed = (error: unknown): void => {
    this.replyError(error);
    this.runQueue();
  };

  /** A login succeeded: deliveries start, tied to this session. */
  private loggedIn(): void {
    this.acknowledger.newSession();
    this.chat.attach(this.sink(this.acknowledger.sessionEpoch));
  }

  /** The client logged out or deleted its account. */
  private sessionEnded(): void {
    this.acknowledger.newSession();
    this.deliveryPaused = false;
  }

  private replyError(error: unknown): void {
    const chatError = ChatError.from(error);
    if (chatError.code === "INTERNAL") {
      this.log.error(
        { connection: this.id, error: describe(chatError.cause ?? chatError) },
        "request failed",
      );
    }
    this.send(errorReply(chatError, this.structured));
  }

  /** Stages a frame; a frame that cannot be encoded is a bug, logged rather than crashing the server. */
  private send(frame: Frame): void {
    if (this.socket.destroyed) return;
    try {
      this.writer.write(frame);
    } catch (error) {
      this.log.error(
        { connection: this.id, frame: frame.type, error: describe(error) },
        "cannot encode frame",
      );
    }
  }

  // ---- Delivery and backpressure ------------------------------------------------------------------------

  private sink(epoch: number): DeliverySink {
    return {
      deliver: (message: IncomingMessage): boolean => {
        if (epoch !== this.acknowledger.sessionEpoch) return true;
        if (this.sequenced) {
          this.send({
            type: "dlv",
            seq: message.seq,
            sentAt: message.sentAt,
            from: message.from,
            content: message.content,
          });
        } else {
          this.send({ type: "nms", from: message.from, content: message.content });
          this.writer.markBatch(message.seq, epoch);
        }
        return this.hasRoom();
      },
      ended: (reason) => this.end(reason),
    };
  }

  /** Whether more deliveries fit; if not, delivery pauses until the socket drains. */
  private hasRoom(): boolean {
    if (this.writer.bufferedBytes <= this.options.writeHighWaterMark) return true;
    this.writer.flush();
    if (this.writer.bufferedBytes <= this.options.writeHighWaterMark) return true;
    this.deliveryPaused = true;
    this.blockedSince ??= performance.now();
    return false;
  }

  private waitForRoom(): Promise<void> {
    this.writer.flush();
    if (this.writer.bufferedBytes <= this.options.writeHighWaterMark || this.socket.destroyed) {
      return Promise.resolve();
    }
    this.blockedSince ??= performance.now();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private onDrain(): void {
    this.blockedSince = undefined;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
    if (this.deliveryPaused) {
      this.deliveryPaused = false;
      this.chat.resume();
    }
  }

  // ---- Timers, ending -----------------------------------------------------------------------------------

  /** Called periodically by the server: timeouts, heartbeat, stuck writes. */
  sweep(now: number): void {
    if (this.ending) return;
    const { options } = this;
    if (this.partialSince !== undefined && now - this.partialSince > options.partialFrameTimeoutMs) {
      this.end(new ChatError("UNAVAILABLE", "a frame was left half-sent for too long"));
    } else if (this.blockedSince !== undefined && now - this.blockedSince > options.drainTimeoutMs) {
      this.log.warn({ connection: this.id }, "client does not read; dropping the connection");
      this.destroy();
    } else if (this.heartbeat && now - this.lastInboundAt > options.heartbeatTimeoutMs) {
      this.log.warn({ connection: this.id, username: this.chat.username }, "heartbeat lost");
      this.destroy();
    } else if (
      this.chat.username === undefined &&
      !this.pumping &&
      this.queue.length === 0 &&
      now - this.lastRequestAt > options.idleTimeoutMs
    ) {
      this.end(new ChatError("UNAVAILABLE", "closed after a long time without a login or a request"));
    } else if (
      this.heartbeat &&
      now - this.lastInboundAt >= options.heartbeatIntervalMs &&
      now - this.lastPingAt >= options.heartbeatIntervalMs
    ) {
      this.lastPingAt = now;
      this.pingNonce = (this.pingNonce + 1) >>> 0;
      this.send({ type: "png", nonce: this.pingNonce });
    }
  }

  /**
   * Ends the connection on the server's initiative: the session ends (unacknowledged messages stay stored),
   * the client hears why (`bye`, or `err` for a seed client), and the socket closes.
   */
  end(reason: ChatError): void {
    if (this.ending) return;
    this.ending = true;
    this.stopReading = true;
    this.queue.length = 0;
    this.log.info({ connection: this.id, reason: reason.message }, "closing connection");
    this.chat.close();
    this.send(goodbye(reason, this.structured));
    this.writer.flush();
    this.socket.end();
    this.endTimer = setTimeout(() => this.socket.destroy(), this.options.shutdownTimeoutMs);
    this.endTimer.unref();
  }

  /** Graceful shutdown: read nothing more, finish the requests already read, then end. */
  async shutdown(): Promise<void> {
    this.stopReading = true;
    this.socket.pause();
    if (this.pumping) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.queue.length > 0) {
      this.pump();
      if (this.pumping) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    this.end(new ChatError("UNAVAILABLE", "the server is shutting down"));
    await this.closedPromise;
  }

  /** Ends the session and closes the socket at once, with no goodbye (the peer is not reading). */
  destroy(): void {
    this.ending = true;
    this.chat.close();
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.endTimer !== undefined) clearTimeout(this.endTimer);
    this.ending = true;
    this.stopReading = true;
    this.queue.length = 0;
    this.chat.close();
    this.writer.dispose();
    for (const waiter of this.drainWaiters.splice(0)) waiter();
    this.log.info({ connection: this.id }, "connection closed");
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
