import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { type ChatConnection, ChatError, type IncomingMessage, type ServerLogger } from "@chat/core";
import { DeliveryChannel, reportFailure, SessionLease, serverShuttingDown } from "@chat/core/adapter";
import { DecodeError } from "./decode-error.js";
import { errorReply, goodbye } from "./error-frames.js";
import { PROTOCOL_VERSION } from "./features.js";
import type { Frame } from "./frame.js";
import { FrameIntake } from "./frame-intake.js";
import { FrameWriter } from "./frame-writer.js";
import { Heartbeat } from "./heartbeat.js";
import { type NegotiatedFeatures, negotiateHello, SEED_FEATURES } from "./hello-negotiation.js";
import { handleRequest, type RequestContext } from "./request-handler.js";
import { RequestQueue } from "./request-queue.js";
import { SeedAckHorizon } from "./seed-ack-horizon.js";
import { SeedAcknowledger } from "./seed-acknowledger.js";
import type { ResolvedWireServerOptions } from "./wire-server-options.js";

/** What a {@link ServerConnection} tells its server's counters. */
export interface ConnectionEvents {
  /** Closed for sending no complete first frame in time. */
  silentClosed(): void;
  /** Dropped for leaving its output unread past the drain timeout. */
  stalledDropped(): void;
}

/**
 * One client socket of a `WireServer`: translates frames into calls on its own `ChatConnection` and on the
 * adapter kit, and `ChatError`s into frames. Reading ({@link FrameIntake}), running requests in order
 * ({@link RequestQueue}), the heartbeat ({@link Heartbeat}) and hello ({@link negotiateHello}) live in
 * their own modules; the kit's `DeliveryChannel` owns backpressure and the drain timeout, and its
 * `SessionLease` closes a connection that idles without a session. It decides no domain rule.
 */
export class ServerConnection {
  private readonly intake: FrameIntake;
  private readonly writer: FrameWriter;
  private readonly queue: RequestQueue<Frame | DecodeError>;
  private readonly heartbeat: Heartbeat;
  private readonly channel: DeliveryChannel;
  /**
   * Held while logged in; requests keep it from running out while they run and renew it, up to
   * `leaseRenewalLimitMs` after the connection opened or logged out. Runs out after `idleTimeoutMs`.
   */
  private readonly lease: SessionLease;
  private readonly acknowledger: SeedAcknowledger;
  /** When a message written without sequenced delivery counts as delivered (see {@link SeedAckHorizon}). */
  private readonly horizon: SeedAckHorizon;
  /** The client closed its side (FIN). */
  private peerEnded = false;
  private negotiated: NegotiatedFeatures = SEED_FEATURES;
  private context: RequestContext;
  private ending = false;
  private endTimer: NodeJS.Timeout | undefined;
  private readonly closedPromise: Promise<void>;
  private readonly openedAt = performance.now();

  constructor(
    /** A number naming this connection in logs. */
    readonly id: number,
    private readonly socket: Socket,
    private readonly chat: ChatConnection,
    private readonly options: ResolvedWireServerOptions,
    private readonly log: ServerLogger,
    private readonly events: ConnectionEvents,
  ) {
    this.acknowledger = new SeedAcknowledger(chat, log, id);
    this.horizon = new SeedAckHorizon(options.seedAckHorizonBytes, (seq, epoch) =>
      this.acknowledger.offer(seq, epoch),
    );
    this.writer = new FrameWriter(socket, (bytes, mark) => this.horizon.written(bytes, mark));
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs, options.heartbeatTimeoutMs);
    this.channel = new DeliveryChannel({
      connection: chat,
      drainTimeoutMs: options.drainTimeoutMs,
      logger: log,
      logFields: { connection: id },
      // Not reading: a goodbye would only wait behind the unread bytes.
      onStalled: () => {
        this.events.stalledDropped();
        this.destroy();
      },
      onEnded: (reason) => this.end(reason),
    });
    this.lease = new SessionLease(
      options.idleTimeoutMs,
      () => this.end(new ChatError("UNAVAILABLE", "closed after a long time without a login or a request")),
      options.leaseRenewalLimitMs,
    );
    this.context = {
      chat,
      id,
      log,
      features: 0,
      send: (frame) => this.answer(frame),
      loggedIn: () => this.loggedIn(),
      sessionEnded: () => this.sessionEnded(),
    };
    this.queue = new RequestQueue({
      waitForOutput: this.waitForOutput,
      run: (item) => this.run(item),
      failed: (error) => this.replyError(error),
      taken: () => this.intake.readMore(),
      busy: (busy) => (busy ? this.lease.callStarted() : this.lease.callEnded()),
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, options.keepAliveDelayMs);
    this.intake = new FrameIntake(socket, {
      // Over the output bound requests wait (see waitForOutput), so the queue fills and reading stops there;
      // until then control frames (a heartbeat `png`) are still read and answered.
      hasRoom: () => this.queue.hasRoom,
      take: (item) => this.take(item),
      afterRead: () => this.queue.start(),
    });
    socket.on("drain", () => this.channel.drained());
    socket.once("end", () => {
      this.peerEnded = true;
    });
    socket.on("error", (error) => this.log.debug({ connection: id, error: error.message }, "socket error"));
    this.closedPromise = new Promise((resolve) => {
      socket.once("close", (hadError) => {
        this.onClose(hadError);
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

  // ---- Frames in ----------------------------------------------------------------------------------------

  /** Control frames are answered at once; requests and decode errors queue up. */
  private take(item: Frame | DecodeError): void {
    if (!(item instanceof DecodeError) && this.handleControl(item)) return;
    // Queued work holds the lease until the queue runs empty, so a request counts as activity.
    this.queue.push(item);
  }

  /** Frames answered at once instead of queued: `hel` (first frame only) and the heartbeat. */
  private handleControl(frame: Frame): boolean {
    switch (frame.type) {
      case "hel":
        if (this.intake.framesRead !== 1) return false;
        this.negotiated = negotiateHello(frame.features);
        this.context = { ...this.context, features: this.negotiated.features };
        if (this.negotiated.heartbeat) this.heartbeat.enable();
        this.send({ type: "hey", version: PROTOCOL_VERSION, features: this.negotiated.features });
        // The `hey` itself goes out fixed; every frame after it, and every frame after the `hel`, is compact.
        if (this.negotiated.compact) {
          this.intake.useCompactFraming();
          this.writer.useCompactFraming();
        }
        this.log.debug(
          { connection: this.id, version: frame.version, features: this.negotiated.features },
          "hello",
        );
        return true;
      case "png":
        if (!this.heartbeat.isEnabled) return false;
        this.send({ type: "pog", nonce: frame.nonce });
        return true;
      case "pog":
        return this.heartbeat.isEnabled;
      default:
        return false;
    }
  }

  private run(item: Frame | DecodeError): Promise<void> | undefined {
    if (!(item instanceof DecodeError)) return handleRequest(item, this.context);
    if (item.fatal) this.end(new ChatError("INVALID_ARGUMENT", `${item.message}; closing the connection`));
    else this.replyError(new ChatError("INVALID_ARGUMENT", `bad frame: ${item.message}`));
    return undefined;
  }

  /** A login succeeded: deliveries start, tied to this session. */
  private loggedIn(): void {
    this.acknowledger.newSession();
    this.lease.hold();
    const epoch = this.acknowledger.sessionEpoch;
    this.chat.attach(this.channel.sink((message) => this.deliver(message, epoch)));
  }

  /** The client logged out or deleted its account. */
  private sessionEnded(): void {
    this.acknowledger.newSession();
    this.channel.detach();
    this.lease.release();
  }

  // ---- Frames out ---------------------------------------------------------------------------------------

  private replyError(error: unknown): void {
    const chatError = reportFailure(error, this.log, { connection: this.id }, "request failed");
    this.send(errorReply(chatError, this.negotiated.structured));
  }

  /** Stages a frame; a frame that cannot be encoded is a bug, logged rather than crashing the server. */
  private send(frame: Frame): void {
    if (this.socket.destroyed) return;
    try {
      this.writer.write(frame);
    } catch (error) {
      reportFailure(error, this.log, { connection: this.id, frame: frame.type }, "cannot encode frame");
    }
  }

  /**
   * A request's answer: staged like any frame, and one that leaves the output over the bound starts the
   * drain clock, so answers the client never reads get it dropped just as unread deliveries do.
   */
  private answer(frame: Frame): void {
    this.send(frame);
    if (!this.hasRoom()) this.channel.blocked();
  }

  /** One message of session `epoch` to the client; false when the socket buffer is full. */
  private deliver(message: IncomingMessage, epoch: number): boolean {
    if (this.negotiated.sequenced) {
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
  }

  /** Whether the buffer is at most at the high-water mark, once what is staged has been flushed. */
  private hasRoom(): boolean {
    if (this.writer.bufferedBytes <= this.options.writeHighWaterMark) return true;
    this.writer.flush();
    return this.writer.bufferedBytes <= this.options.writeHighWaterMark;
  }

  /** Requests wait while answers cannot be written; waiting counts against the drain timeout. */
  private readonly waitForOutput = (): Promise<void> | undefined => {
    if (this.hasRoom() || this.socket.destroyed) return undefined;
    return this.channel.whenDrained();
  };

  // ---- Timers, ending -----------------------------------------------------------------------------------

  /** Called periodically by the server: the first frame, the half-sent frame and the heartbeat. */
  sweep(now: number): void {
    if (this.ending) return;
    if (this.intake.framesRead === 0 && now - this.openedAt > this.options.firstFrameTimeoutMs) {
      this.events.silentClosed();
      this.end(
        new ChatError(
          "UNAVAILABLE",
          `no complete frame within ${this.options.firstFrameTimeoutMs} ms of connecting`,
        ),
      );
      return;
    }
    const partialAge = this.intake.partialFrameAge(now);
    if (partialAge !== undefined && partialAge > this.options.partialFrameTimeoutMs) {
      this.end(new ChatError("UNAVAILABLE", "a frame was left half-sent for too long"));
      return;
    }
    const due = this.heartbeat.due(now, this.intake.lastInboundAt);
    if (due?.kind === "lost") {
      this.log.warn({ connection: this.id, username: this.chat.username }, "heartbeat lost");
      this.destroy();
    } else if (due?.kind === "ping") {
      this.send({ type: "png", nonce: due.nonce });
    }
  }

  /**
   * Ends the connection on the server's initiative: the session ends (unacknowledged messages stay stored),
   * the client hears why (`bye`, or `err` for a seed client), and the socket closes.
   */
  end(reason: ChatError): void {
    if (this.ending) return;
    this.ending = true;
    // The server ends it: what the client may not have read yet stays stored.
    this.horizon.forget();
    this.intake.stop();
    this.queue.stop();
    this.log.info({ connection: this.id, reason: reason.message }, "closing connection");
    this.chat.close();
    this.send(goodbye(reason, this.negotiated.structured));
    this.writer.flush();
    this.socket.end();
    this.endTimer = setTimeout(() => this.socket.destroy(), this.options.shutdownTimeoutMs);
    this.endTimer.unref();
  }

  /** Graceful shutdown: read nothing more, finish the requests already read, then end. */
  async shutdown(): Promise<void> {
    this.intake.pause();
    await this.queue.whenIdle();
    this.queue.start();
    await this.queue.whenIdle();
    this.end(serverShuttingDown());
    await this.closedPromise;
  }

  /** Ends the session and closes the socket at once, with no goodbye (the peer is not reading). */
  destroy(): void {
    this.ending = true;
    this.horizon.forget();
    this.queue.stop();
    this.chat.close();
    this.socket.destroy();
  }

  private onClose(hadError: boolean): void {
    if (this.endTimer !== undefined) clearTimeout(this.endTimer);
    // Before the session ends: a clean close by the client acknowledges what it was written (the seed's
    // rule); after a reset, or when the server ended the connection, that is forgotten (comes again).
    const delivered = !this.ending && this.peerEnded && !hadError ? this.horizon.clientClosed() : undefined;
    if (delivered) this.acknowledger.acknowledgeNow(delivered.seq, delivered.epoch);
    this.horizon.forget();
    this.ending = true;
    this.intake.stop();
    this.queue.stop();
    this.chat.close();
    this.writer.dispose();
    this.channel.close();
    this.lease.end();
    this.log.info({ connection: this.id }, "connection closed");
  }
}
