import { connect as connectSocket, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import {
  type AccountPage,
  type AccountQuery,
  AsyncQueue,
  type ChatClient,
  ChatError,
  type IncomingMessage,
  type LoginResult,
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
import type { WireClientOptions } from "./wire-client-options.js";

type State = "new" | "connecting" | "open" | "closed";

/** The words a person uses for the codec's field names, for errors about values that do not fit. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  username: "username",
  to: "username",
  password: "password",
  content: "message",
  pattern: "wildcard",
  cursor: "page cursor",
  pageSize: "page size",
  upToSeq: "sequence number",
  clientMessageId: "client message id",
};

/** A value the wire cannot carry is the caller's mistake, reported like core reports it. */
function invalidArgument(error: EncodeError): ChatError {
  const word = FIELD_WORDS[error.field] ?? error.field;
  const detail = error.message.startsWith(error.field)
    ? error.message.slice(error.field.length)
    : `: ${error.message}`;
  return new ChatError("INVALID_ARGUMENT", `${word}${detail}`);
}

/**
 * A `ChatClient` over the wire protocol. It always opens with `hel` asking for every feature, and needs
 * them all. Requests may be issued concurrently: they are pipelined on the socket and answered in order.
 * Messages are never acknowledged automatically; call `ack`.
 */
export class WireClient implements ChatClient {
  private state: State = "new";
  private socket: Socket | undefined;
  private writer: FrameWriter | undefined;
  private readonly reader = new FrameReader();
  private readonly pending: PendingRequest[] = [];
  private readonly incoming = new AsyncQueue<IncomingMessage>();
  private connecting: Promise<void> | undefined;
  private handshake: { resolve(): void; reject(error: ChatError): void } | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastInboundAt = 0;
  private lastPingAt = 0;
  private pingNonce = 0;
  private resolveClosed: (reason: ChatError | undefined) => void = () => {};

  /** @inheritDoc */
  readonly messages: AsyncIterable<IncomingMessage> = this.incoming;
  /** @inheritDoc */
  readonly closed: Promise<ChatError | undefined> = new Promise((resolve) => {
    this.resolveClosed = resolve;
  });

  constructor(private readonly options: WireClientOptions) {}

  /** Opens the socket and says hello. Resolves once requests can be sent. */
  connect(): Promise<void> {
    if (this.state === "open") return Promise.resolve();
    if (this.state === "closed") return Promise.reject(new ChatError("UNAVAILABLE", "the client was closed"));
    this.connecting ??= this.open();
    return this.connecting;
  }

  private open(): Promise<void> {
    this.state = "connecting";
    return new Promise<void>((resolve, reject) => {
      const socket = connectSocket({ host: this.options.host, port: this.options.port, noDelay: true });
      this.socket = socket;
      this.writer = new FrameWriter(socket);
      const timer = setTimeout(
        () => this.fail(new ChatError("UNAVAILABLE", "timed out connecting to the server")),
        this.options.connectTimeoutMs ?? 10_000,
      );
      this.handshake = {
        resolve: () => {
          clearTimeout(timer);
          this.handshake = undefined;
          this.state = "open";
          this.startHeartbeat();
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          this.handshake = undefined;
          reject(error);
        },
      };
      socket.on("connect", () => {
        socket.setKeepAlive(true);
        this.write({ type: "hel", version: PROTOCOL_VERSION, features: ALL_FEATURES });
      });
      socket.on("data", (chunk: Buffer) => this.onData(chunk));
      socket.on("error", (error) =>
        this.fail(new ChatError("UNAVAILABLE", `connection failed: ${error.message}`)),
      );
      socket.on("close", () => this.fail(new ChatError("UNAVAILABLE", "the server closed the connection")));
    });
  }

  /** @inheritDoc */
  register(username: string, password: string): Promise<void> {
    return this.request("ok", { type: "reg", username, password });
  }

  /** @inheritDoc */
  login(username: string, password: string): Promise<LoginResult> {
    return this.request("login", { type: "log", username, password });
  }

  /** @inheritDoc */
  logout(): Promise<void> {
    return this.request("ok", { type: "out" });
  }

  /** @inheritDoc */
  deleteAccount(): Promise<void> {
    return this.request("ok", { type: "del" });
  }

  /** @inheritDoc */
  listAccounts(query: AccountQuery = {}): Promise<AccountPage> {
    return this.request("list", {
      type: "lsq",
      pattern: query.pattern ?? "",
      ...(query.pageSize === undefined ? {} : { pageSize: query.pageSize }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  }

  /** @inheritDoc */
  send(to: string, content: string, options?: SendOptions): Promise<SendResult> {
    const clientMessageId = options?.clientMessageId;
    if (clientMessageId === undefined) return this.request("send", { type: "msg", to, content });
    return this.request("send", { type: "mid", to, clientMessageId, content });
  }

  /** @inheritDoc */
  ack(upToSeq: number): Promise<void> {
    return this.request("ok", { type: "ack", upToSeq });
  }

  /** Closes the connection; pending requests fail with `UNAVAILABLE`, `closed` resolves with `undefined`. */
  async close(): Promise<void> {
    if (this.state === "closed") return;
    const socket = this.socket;
    this.finish(undefined, new ChatError("UNAVAILABLE", "the client was closed"));
    if (socket === undefined || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.destroy(), 2_000);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.writer?.flush();
      socket.end();
    });
  }

  private request<K extends keyof AnswerTypes>(kind: K, frame: Frame): Promise<AnswerTypes[K]> {
    if (this.state !== "open") {
      return Promise.reject(new ChatError("UNAVAILABLE", "the client is not connected"));
    }
    try {
      this.write(frame);
    } catch (error) {
      if (error instanceof EncodeError) return Promise.reject(invalidArgument(error));
      return Promise.reject(ChatError.from(error));
    }
    return new Promise<AnswerTypes[K]>((resolve, reject) => {
      const entry: PendingRequest<K> = { kind, resolve, reject };
      this.pending.push(entry as unknown as PendingRequest);
    });
  }

  private write(frame: Frame): void {
    this.writer?.write(frame);
  }

  private get isClosed(): boolean {
    return this.state === "closed";
  }

  private onData(chunk: Buffer): void {
    if (this.state === "closed") return;
    this.lastInboundAt = performance.now();
    this.reader.feed(chunk);
    try {
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.onFrame(frame);
        if (this.isClosed) return;
      }
    } catch (error) {
      const detail =
        error instanceof DecodeError || error instanceof ChatError ? error.message : String(error);
      this.fail(new ChatError("UNAVAILABLE", `protocol error: ${detail}`));
    }
  }

  private onFrame(frame: Frame): void {
    if (this.handshake) {
      if (frame.type === "hey") {
        if ((frame.features & ALL_FEATURES) !== ALL_FEATURES) {
          throw new ChatError(
            "UNAVAILABLE",
            `the server lacks features this client needs (${frame.features})`,
          );
        }
        this.handshake.resolve();
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
        head.resolve(frame.cursor === undefined ? { usernames } : { usernames, nextCursor: frame.cursor });
        return;
      }
      case "ok":
        this.expect("ok", frame.type);
        (this.pending.shift() as PendingRequest<"ok">).resolve(undefined);
        return;
      case "lin":
        this.expect("login", frame.type);
        (this.pending.shift() as PendingRequest<"login">).resolve({ username: frame.username });
        return;
      case "snt":
        this.expect("send", frame.type);
        (this.pending.shift() as PendingRequest<"send">).resolve({
          seq: frame.seq,
          sentAt: frame.sentAt,
          delivery: frame.delivery,
        });
        return;
      case "erx":
      case "err": {
        const head = this.pending.shift();
        if (head === undefined) throw new ChatError("UNAVAILABLE", "an error arrived for no request");
        head.reject(chatErrorFrom(frame));
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
    const interval = this.options.heartbeatIntervalMs ?? 15_000;
    if (interval <= 0) return;
    const timeout = this.options.heartbeatTimeoutMs ?? 45_000;
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
      Math.max(10, Math.floor(interval / 2)),
    );
    this.heartbeatTimer.unref();
  }

  /** The connection ended without the application asking. */
  private fail(error: ChatError): void {
    if (this.state === "closed") return;
    this.finish(error, error);
    this.socket?.destroy();
  }

  private finish(reason: ChatError | undefined, pendingError: ChatError): void {
    this.state = "closed";
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.handshake?.reject(pendingError);
    for (const entry of this.pending.splice(0)) entry.reject(pendingError);
    this.incoming.end();
    this.resolveClosed(reason);
  }
}
