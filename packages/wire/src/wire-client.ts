import { connect as connectSocket, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import {
  type AccountPage,
  type AccountQuery,
  ChatClientBase,
  ChatError,
  type ClientRequest,
  type LoginResult,
  type RequestOptions,
  type SendOptions,
  type SendResult,
} from "@chat/core";
import { DecodeError } from "./decode-error.js";
import { EncodeError } from "./encode-error.js";
import { chatErrorFrom } from "./error-frames.js";
import { ALL_FEATURES, PROTOCOL_VERSION } from "./features.js";
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

/**
 * A `ChatClient` over the wire protocol. It always opens with `hel` asking for every feature, and needs
 * them all. Requests may be issued concurrently: they are pipelined on the socket and answered in order.
 * Messages are never acknowledged automatically; call `ack`. State, deadlines, signals and `closed` are
 * `ChatClientBase`'s.
 */
export class WireClient extends ChatClientBase {
  private socket: Socket | undefined;
  private writer: FrameWriter | undefined;
  private readonly reader = new FrameReader();
  private readonly pending: PendingRequest[] = [];
  /** The connect attempt, until the server's `hey` answers the `hel`. */
  private handshake: ClientRequest<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastInboundAt = 0;
  private lastPingAt = 0;
  private pingNonce = 0;

  constructor(private readonly options: WireClientOptions) {
    super(options);
  }

  /** Opens the socket and says hello; the attempt settles when the server's `hey` arrives. */
  protected openTransport(attempt: ClientRequest<void>): void {
    this.handshake = attempt;
    const socket = connectSocket({ host: this.options.host, port: this.options.port, noDelay: true });
    this.socket = socket;
    this.writer = new FrameWriter(socket);
    socket.on("connect", () => {
      socket.setKeepAlive(true);
      this.write({ type: "hel", version: PROTOCOL_VERSION, features: ALL_FEATURES });
    });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) =>
      this.fail(new ChatError("UNAVAILABLE", `connection failed: ${error.message}`)),
    );
    socket.on("close", () => this.fail(new ChatError("UNAVAILABLE", "the server closed the connection")));
  }

  /** @inheritDoc */
  register(username: string, password: string, options?: RequestOptions): Promise<void> {
    return this.request("ok", { type: "reg", username, password }, options);
  }

  /** @inheritDoc */
  login(username: string, password: string, options?: RequestOptions): Promise<LoginResult> {
    return this.request("login", { type: "log", username, password }, options);
  }

  /** @inheritDoc */
  logout(options?: RequestOptions): Promise<void> {
    return this.request("ok", { type: "out" }, options);
  }

  /** @inheritDoc */
  deleteAccount(options?: RequestOptions): Promise<void> {
    return this.request("ok", { type: "del" }, options);
  }

  /** @inheritDoc */
  listAccounts(query: AccountQuery = {}, options?: RequestOptions): Promise<AccountPage> {
    const frame: Frame = {
      type: "lsq",
      pattern: query.pattern ?? "",
      ...(query.pageSize === undefined ? {} : { pageSize: query.pageSize }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    };
    return this.request("list", frame, options);
  }

  /** @inheritDoc */
  send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    const clientMessageId = options?.clientMessageId;
    const frame: Frame =
      clientMessageId === undefined
        ? { type: "msg", to, content }
        : { type: "mid", to, clientMessageId, content };
    return this.request("send", frame, options);
  }

  /** @inheritDoc */
  ack(upToSeq: number, options?: RequestOptions): Promise<void> {
    return this.request("ok", { type: "ack", upToSeq }, options);
  }

  /** Ends the socket: flushed and closed gracefully after `close()`, cut at once after a failure. */
  protected async releaseTransport(reason: ChatError | undefined): Promise<void> {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
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
    options: RequestOptions | undefined,
  ): Promise<AnswerTypes[K]> {
    const request = this.beginRequest<AnswerTypes[K]>(options);
    if (request.isSettled) return request.promise;
    try {
      this.write(frame);
    } catch (error) {
      request.reject(error instanceof EncodeError ? unfitValueError(frame, error) : ChatError.from(error));
      return request.promise;
    }
    const entry: PendingRequest<K> = { kind, request };
    this.pending.push(entry as unknown as PendingRequest);
    return request.promise;
  }

  private write(frame: Frame): void {
    this.writer?.write(frame);
  }

  private get isEnded(): boolean {
    return this.state === "closed";
  }

  private onData(chunk: Buffer): void {
    if (this.isEnded) return;
    this.lastInboundAt = performance.now();
    this.reader.feed(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.onFrame(frame);
        // A frame may have ended the client (`bye`, a protocol error): the rest of the chunk is moot.
        if (this.isEnded) return;
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
        if ((frame.features & ALL_FEATURES) !== ALL_FEATURES) {
          throw new ChatError(
            "UNAVAILABLE",
            `the server lacks features this client needs (${frame.features})`,
          );
        }
        this.handshake = undefined;
        this.startHeartbeat();
        handshake.resolve();
        return;
      }
      if (frame.type === "err" || frame.type === "bye") {
        this.fail(chatErrorFrom(frame));
        return;
      }
      throw new ChatError("UNAVAILABLE", `expected hey, got ${frame.type}`);
    }
    switch (frame.type) {
      case "dlv":
        this.incoming.push({
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
        this.fail(chatErrorFrom(frame));
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
          this.fail(new ChatError("UNAVAILABLE", "the server stopped answering"));
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
