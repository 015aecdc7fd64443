import { connect as connectSocket, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as connectTls } from "node:tls";
import {
  type AccountPage,
  type AccountQuery,
  ChatClientBase,
  ChatError,
  type ClientRequest,
  type ClientTlsOptions,
  clientTlsOptions,
  type LoginResult,
  type OutgoingSend,
  type SendResult,
} from "@chat/core";
import { nodeClientTlsOptions } from "@chat/core/adapter";
import type { Framing } from "./compact-layout.js";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import { chatErrorFrom } from "./error-frames.js";
import { ALL_FEATURES, Feature, hasFeature, PROTOCOL_VERSION } from "./features.js";
import type { Frame } from "./frame.js";
import { FrameReader } from "./frame-reader.js";
import { FrameWriter } from "./frame-writer.js";
import type { AnswerTypes, PendingRequest } from "./pending-request.js";
import { unfitValueError } from "./unfit-value-error.js";
import {
  DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_CLIENT_HEARTBEAT_TIMEOUT_MS,
  type WireClientOptions,
} from "./wire-client-options.js";

/** How long `close()` waits for the server to close the socket after the client ended it, before cutting it. */
const CLOSE_GRACE_MS = 2_000;
/** The fastest the heartbeat timer checks for silence, however short the interval. */
const MIN_HEARTBEAT_CHECK_MS = 10;
/** What the client cannot work without: every feature but compact framing, which it takes when offered. */
const REQUIRED_FEATURES = ALL_FEATURES & ~Feature.compactFrames;

/** The base's requests without an answer value, as the `ok` answer settles them: with `undefined`. */
function okRequest(request: ClientRequest<void>): ClientRequest<undefined> {
  return request as unknown as ClientRequest<undefined>;
}

/**
 * A `ChatClient` over the wire protocol. It always opens with `hel` asking for every feature and needs them
 * all, except compact framing: asked for unless `framing: "fixed"`, used when the server grants it (see
 * {@link WireClient.framing}). Requests may be issued concurrently: they are pipelined on the socket and answered in order.
 * Messages are never acknowledged automatically; call `ack`. State, deadlines, signals, `closed` and
 * reconnecting (a new socket, a new `hel`, logging in again) are `ChatClientBase`'s.
 */
export class WireClient extends ChatClientBase {
  private socket: Socket | undefined;
  private writer: FrameWriter | undefined;
  private reader = new FrameReader();
  private readonly pending: PendingRequest[] = [];
  /** The connect attempt, until the server's `hey` answers the `hel`. */
  private handshake: ClientRequest<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastInboundAt = 0;
  private lastPingAt = 0;
  private pingNonce = 0;
  private negotiatedFraming: Framing = "fixed";
  /** The TLS settings, checked once; `undefined` for plaintext. */
  private readonly tls: ClientTlsOptions | undefined;

  constructor(private readonly options: WireClientOptions) {
    super(options);
    this.tls = clientTlsOptions(options.tls);
  }

  /** Whether this client speaks TLS to the server. */
  get secure(): boolean {
    return this.tls !== undefined;
  }

  /**
   * Opens a socket (with TLS, a TLS one: every reconnect shakes hands again) and says hello; the attempt
   * settles when the server's `hey` arrives.
   */
  protected openTransport(attempt: ClientRequest<void>): void {
    this.handshake = attempt;
    this.reader = new FrameReader();
    this.negotiatedFraming = "fixed";
    this.pending.length = 0;
    const { host, port } = this.options;
    const tls = this.tls;
    const socket =
      tls === undefined
        ? connectSocket({ host, port, noDelay: true })
        : connectTls({ ...nodeClientTlsOptions(tls, host), host, port }).setNoDelay(true);
    this.socket = socket;
    this.writer = new FrameWriter(socket);
    // The hello goes once the channel is up: for TLS, once the server's certificate was verified. An error
    // during the handshake (an unknown CA, an expired certificate, a refused client) says so.
    let handshaking = false;
    if (tls !== undefined) socket.once("connect", () => (handshaking = true));
    socket.on(tls === undefined ? "connect" : "secureConnect", () => {
      handshaking = false;
      socket.setKeepAlive(true);
      const features = this.options.framing === "fixed" ? REQUIRED_FEATURES : ALL_FEATURES;
      this.write({ type: "hel", version: PROTOCOL_VERSION, features });
    });
    // Every handler first checks that its socket is still the client's: a dropped one has no say.
    socket.on("data", (chunk: Buffer) => {
      if (this.socket === socket) this.onData(socket, chunk);
    });
    socket.on("error", (error) => {
      if (this.socket !== socket) return;
      const failed = handshaking ? "TLS handshake failed" : "connection failed";
      this.lost(new ChatError("UNAVAILABLE", `${failed}: ${error.message}`));
    });
    socket.on("close", () => {
      if (this.socket === socket) this.lost(new ChatError("UNAVAILABLE", "the server closed the connection"));
    });
  }

  /**
   * The framing of this connection's frames after the hello: `compact` when the server granted it, else
   * `fixed` (also before the hello is answered).
   */
  get framing(): Framing {
    return this.negotiatedFraming;
  }

  protected carryRegister(username: string, password: string, request: ClientRequest<void>): void {
    this.request("ok", { type: "reg", username, password }, okRequest(request));
  }

  protected carryLogin(username: string, password: string, request: ClientRequest<LoginResult>): void {
    this.request("login", { type: "log", username, password }, request);
  }

  protected carryLogout(request: ClientRequest<void>): void {
    this.request("ok", { type: "out" }, okRequest(request));
  }

  protected carryDeleteAccount(request: ClientRequest<void>): void {
    this.request("ok", { type: "del" }, okRequest(request));
  }

  protected carryListAccounts(query: AccountQuery, request: ClientRequest<AccountPage>): void {
    const frame: Frame = {
      type: "lsq",
      pattern: query.pattern ?? "",
      ...(query.pageSize === undefined ? {} : { pageSize: query.pageSize }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    };
    this.request("list", frame, request);
  }

  protected carrySend(send: OutgoingSend, request: ClientRequest<SendResult>): void {
    const { to, content, clientMessageId } = send;
    const frame: Frame =
      clientMessageId === undefined
        ? { type: "msg", to, content }
        : { type: "mid", to, clientMessageId, content };
    this.request("send", frame, request);
  }

  protected carryAck(upToSeq: number, request: ClientRequest<void>): void {
    this.request("ok", { type: "ack", upToSeq }, okRequest(request));
  }

  /** Cuts the lost socket; its handlers are silenced first, so nothing of it reaches the base again. */
  protected dropTransport(): void {
    this.stopHeartbeat();
    this.handshake = undefined;
    this.pending.length = 0;
    const socket = this.socket;
    this.socket = undefined;
    this.writer = undefined;
    socket?.destroy();
  }

  /** Ends the socket: flushed and closed gracefully after `close()`, cut at once after a failure. */
  protected async releaseTransport(reason: ChatError | undefined): Promise<void> {
    this.stopHeartbeat();
    this.handshake = undefined;
    this.pending.length = 0;
    const socket = this.socket;
    if (socket === undefined || socket.destroyed) return;
    if (reason !== undefined) {
      socket.destroy();
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.writer?.flush();
      socket.end();
    });
  }

  private request<K extends keyof AnswerTypes>(
    kind: K,
    frame: Frame,
    request: ClientRequest<AnswerTypes[K]>,
  ): void {
    try {
      this.write(frame);
    } catch (error) {
      request.reject(error instanceof EncodeError ? unfitValueError(frame, error) : ChatError.from(error));
      return;
    }
    const entry: PendingRequest<K> = { kind, request };
    this.pending.push(entry as unknown as PendingRequest);
  }

  /**
   * The connection is gone: a connect under way fails with `reason`, an open client tells the base,
   * which reconnects or ends.
   */
  private lost(reason: ChatError): void {
    const handshake = this.handshake;
    if (handshake) {
      handshake.reject(reason);
      return;
    }
    this.connectionLost(reason);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private write(frame: Frame): void {
    this.writer?.write(frame);
  }

  private get isEnded(): boolean {
    return this.state === "closed";
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (this.isEnded) return;
    this.lastInboundAt = performance.now();
    this.reader.feed(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.onFrame(frame);
        // A frame may have ended the client or this connection (`bye`, a protocol error): the rest of
        // the chunk is moot.
        if (this.isEnded || this.socket !== socket) return;
      }
    } catch (error) {
      const detail =
        error instanceof DecodeError || error instanceof ChatError ? error.message : String(error);
      this.fail(new ChatError("UNAVAILABLE", `protocol error: ${detail}`));
    }
  }

  private onFrame(frame: Frame): void {
    const handshake = this.handshake;
    if (handshake) {
      if (frame.type === "hey") {
        if ((frame.features & REQUIRED_FEATURES) !== REQUIRED_FEATURES) {
          throw new ChatError(
            "UNAVAILABLE",
            `the server lacks features this client needs (${frame.features})`,
          );
        }
        // Everything after the `hey` is compact when it was asked for and granted (nothing was sent since `hel`).
        if (hasFeature(frame.features, Feature.compactFrames) && this.options.framing !== "fixed") {
          this.reader.useCompactFraming();
          this.writer?.useCompactFraming();
          this.negotiatedFraming = "compact";
        }
        this.handshake = undefined;
        this.startHeartbeat();
        handshake.resolve();
        return;
      }
      if (frame.type === "err" || frame.type === "bye") {
        handshake.reject(chatErrorFrom(frame));
        return;
      }
      throw new ChatError("UNAVAILABLE", `expected hey, got ${frame.type}`);
    }
    switch (frame.type) {
      case "dlv":
        this.deliver({
          seq: frame.seq,
          from: frame.from,
          content: frame.content,
          sentAt: frame.sentAt,
        });
        return;
      case "png":
        this.write({ type: "pog", nonce: frame.nonce });
        return;
      case "pog":
        return;
      case "bye":
        // The server is going away (shutting down, or gave this connection up): a reason to reconnect.
        this.lost(chatErrorFrom(frame));
        return;
      case "lsn": {
        const head = this.expect("list", frame.type);
        head.names ??= [];
        head.names.push(...frame.names);
        return;
      }
      case "lse": {
        const head = this.expect("list", frame.type);
        this.pending.shift();
        const usernames = head.names ?? [];
        head.request.resolve(
          frame.cursor === undefined ? { usernames } : { usernames, nextCursor: frame.cursor },
        );
        return;
      }
      case "ok":
        this.expect("ok", frame.type);
        (this.pending.shift() as PendingRequest<"ok">).request.resolve(undefined);
        return;
      case "lin":
        this.expect("login", frame.type);
        (this.pending.shift() as PendingRequest<"login">).request.resolve({ username: frame.username });
        return;
      case "snt":
        this.expect("send", frame.type);
        (this.pending.shift() as PendingRequest<"send">).request.resolve({
          seq: frame.seq,
          sentAt: frame.sentAt,
          delivery: frame.delivery,
        });
        return;
      case "erx":
      case "err": {
        const head = this.pending.shift();
        if (head === undefined) throw new ChatError("UNAVAILABLE", "an error arrived for no request");
        head.request.reject(chatErrorFrom(frame));
        return;
      }
      default:
        throw new ChatError("UNAVAILABLE", `unexpected ${frame.type} frame`);
    }
  }

  private expect<K extends keyof AnswerTypes>(kind: K, got: string): PendingRequest<K> {
    const head = this.pending[0];
    if (head === undefined || head.kind !== kind) {
      throw new ChatError("UNAVAILABLE", `got ${got} while waiting for ${head?.kind ?? "nothing"}`);
    }
    return head as unknown as PendingRequest<K>;
  }

  private startHeartbeat(): void {
    const interval = this.options.heartbeatIntervalMs ?? DEFAULT_CLIENT_HEARTBEAT_INTERVAL_MS;
    if (interval <= 0) return;
    const timeout = this.options.heartbeatTimeoutMs ?? DEFAULT_CLIENT_HEARTBEAT_TIMEOUT_MS;
    this.heartbeatTimer = setInterval(
      () => {
        const now = performance.now();
        if (now - this.lastInboundAt > timeout) {
          this.lost(new ChatError("UNAVAILABLE", "the server stopped answering"));
        } else if (now - this.lastInboundAt >= interval && now - this.lastPingAt >= interval) {
          this.lastPingAt = now;
          this.pingNonce = (this.pingNonce + 1) >>> 0;
          this.write({ type: "png", nonce: this.pingNonce });
        }
      },
      Math.max(MIN_HEARTBEAT_CHECK_MS, Math.floor(interval / 2)),
    );
    this.heartbeatTimer.unref();
  }
}
